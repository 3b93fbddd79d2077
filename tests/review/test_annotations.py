"""Notes, tags and marked frames: the rules, the audit entries, the reads."""

from __future__ import annotations

import json

import pytest
from conftest import TEST_PASSWORD, TEST_USER

from triage_app.case.session import CaseSession
from triage_app.case.trail import verify_trail
from triage_app.domain.errors import PermissionDeniedError, ReasonRequiredError
from triage_app.domain.records import STATUS_HASHED, FileRecord
from triage_app.review import annotations
from triage_app.review.annotations import AnnotationError
from triage_app.review.items import item_listing
from triage_app.storage.case_store import CaseStore


def add_video(store: CaseStore, duration: float | None, n: int = 900) -> int:
    """Record one hashed video item lasting ``duration`` seconds; return its id."""
    exhibit = store.exhibit_for_ingest("T/1", b"/nonexistent/source")
    run = store.start_run(exhibit, workers=1, versions={"pillow": "t", "imagehash": "t"},
                          actor="E", source="/nonexistent/source")  # fmt: skip
    record = FileRecord(
        path=f"clip{n}.mp4".encode(), entry_kind="file", status=STATUS_HASHED, size=5000,
        md5=f"{n:032x}", sha1=f"{n:040x}", sha256=f"{n:064x}", media_type="video",
        format="MP4", decode_status="decoded", duration_s=duration,
    )  # fmt: skip
    store.add_records(exhibit, run, [record])
    store.finish_run(run, state="finished", atime_preserved=True, actor="E")
    return max(item.id for item in store.iter_items())


def _entries(session: CaseSession, action: str) -> list[dict[str, object]]:
    return [
        {"object": r.object, "user": r.user, **json.loads(r.payload)}
        for r in session.review.audit_rows()
        if r.action == action
    ]


def test_a_note_is_added_audited_and_read_back(session: CaseSession) -> None:
    note = annotations.add_note(session, 1, "  child's bedroom\nsee frame 3  ")
    assert (note.kind, note.text, note.examiner) == ("note", "child's bedroom\nsee frame 3", "E")
    (entry,) = _entries(session, "note added")
    assert entry["object"] == "item 1" and entry["user"] == "E"
    assert entry["added"] == [
        {"id": note.id, "kind": "note", "text": "child's bedroom\nsee frame 3", "frame_s": None}
    ]
    got = annotations.for_item(session, 1)
    assert [n.text for n in got.notes] == ["child's bedroom\nsee frame 3"]
    assert verify_trail(session).ok


@pytest.mark.parametrize(
    ("text", "said"),
    [("", "needs some text"), ("   ", "needs some text"), ("x" * 2001, "at most 2000"),
     ("bell\x07", "control or direction"), ("abc\u202egpj", "control or direction")],
)  # fmt: skip
def test_bad_note_text_is_refused_in_one_line(session: CaseSession, text: str, said: str) -> None:
    with pytest.raises(AnnotationError, match=said) as caught:
        annotations.add_note(session, 1, text)
    assert "\n" not in str(caught.value)
    assert not _entries(session, "note added")


def test_a_note_on_a_missing_item_is_refused(session: CaseSession) -> None:
    with pytest.raises(AnnotationError, match="no such item: 999"):
        annotations.add_note(session, 999, "x")


def test_tags_are_trimmed_unique_whatever_the_case_and_one_entry_per_change(
    session: CaseSession,
) -> None:
    first = annotations.set_tags(session, 2, add=[" Chat ", "chat", "bedroom"])
    assert first.added == ("Chat", "bedroom") and first.tags == ("Chat", "bedroom")
    again = annotations.set_tags(session, 2, add=["CHAT"], remove=["bedroom", "absent"])
    assert again.added == () and again.removed == ("bedroom",)
    assert set(again.unchanged) == {"CHAT", "absent"} and again.tags == ("Chat",)
    nothing = annotations.set_tags(session, 2, add=["chat"])
    assert nothing.unchanged == ("chat",)
    entries = _entries(session, "tags changed")
    assert len(entries) == 2  # the no-op wrote nothing
    assert [a["text"] for a in entries[0]["added"]] == ["Chat", "bedroom"]  # type: ignore[attr-defined]
    assert [a["text"] for a in entries[1]["removed"]] == ["bedroom"]  # type: ignore[attr-defined]
    assert annotations.for_item(session, 2).tags == ("Chat",)
    assert [a.text for a in annotations.for_item(session, 2).removed] == ["bedroom"]
    assert verify_trail(session).ok


@pytest.mark.parametrize("tag", ["", "   ", "x" * 41, "two\nlines", "tab\there", "rtl\u202e"])
def test_bad_tags_are_refused(session: CaseSession, tag: str) -> None:
    with pytest.raises(AnnotationError, match="1 to 40 printable"):
        annotations.set_tags(session, 1, add=[tag])


def test_a_tag_added_and_removed_at_once_is_refused(session: CaseSession) -> None:
    with pytest.raises(AnnotationError, match="added and removed at once: x"):
        annotations.set_tags(session, 1, add=["X"], remove=["x"])
    with pytest.raises(AnnotationError, match="no tags given"):
        annotations.set_tags(session, 1)


def test_tags_by_item_covers_the_whole_case(session: CaseSession) -> None:
    annotations.set_tags(session, 1, add=["a", "b"])
    annotations.set_tags(session, 3, add=["c"])
    annotations.set_tags(session, 1, remove=["a"])
    assert annotations.tags_by_item(session) == {1: ["b"], 3: ["c"]}


def test_frames_are_marked_on_videos_only_within_their_duration(store: CaseStore) -> None:
    from review_helpers import add_items

    add_items(store, 1)
    video = add_video(store, 12.5)
    unknown = add_video(store, None, n=901)
    with CaseSession.sign_in(store.case_dir, TEST_USER, TEST_PASSWORD) as s:
        mark = annotations.mark_frame(s, video, 3.14159, "worst frame")
        assert (mark.kind, mark.seconds, mark.text) == ("frame", 3.142, "worst frame")
        annotations.mark_frame(s, video, 1.0)
        assert [f.seconds for f in annotations.for_item(s, video).frames] == [1.0, 3.142]
        assert annotations.mark_frame(s, unknown, 500.0).seconds == 500.0
        with pytest.raises(AnnotationError, match=r"lasts 12\.5 s: there is no frame at 13 s"):
            annotations.mark_frame(s, video, 13)
        for bad in (-1.0, float("nan"), float("inf")):
            with pytest.raises(AnnotationError, match="seconds from 0"):
                annotations.mark_frame(s, video, bad)
        with pytest.raises(AnnotationError, match="is not a video"):
            annotations.mark_frame(s, 1, 1.0)
        (entry, *_) = _entries(s, "frame marked")
        assert entry["added"][0]["frame_s"] == 3.142  # type: ignore[index]
        assert verify_trail(s).ok


def test_remove_marks_never_deletes_and_needs_a_reason(session: CaseSession) -> None:
    note = annotations.add_note(session, 1, "first look")
    with pytest.raises(ReasonRequiredError, match="needs a reason"):
        annotations.remove(session, note.id, "  ")
    gone = annotations.remove(session, note.id, "wrong item")
    assert gone.removed and gone.removed_reason == "wrong item" and gone.removed_by == "E"
    got = annotations.for_item(session, 1)
    assert got.notes == () and [a.id for a in got.removed] == [note.id]
    with pytest.raises(AnnotationError, match="removed already"):
        annotations.remove(session, note.id, "again")
    with pytest.raises(AnnotationError, match="no note, tag or frame mark 999"):
        annotations.remove(session, 999, "x")
    (entry,) = _entries(session, "annotation removed")
    assert entry["reason"] == "wrong item" and entry["removed"][0]["id"] == note.id  # type: ignore[index]
    assert verify_trail(session).ok


def test_only_the_author_or_a_supervisor_removes(session: CaseSession) -> None:
    from triage_app.domain.accounts import hash_password

    note = annotations.add_note(session, 1, "mine")
    for name, role in (("Other", "examiner"), ("Sup", "supervisor")):
        session.review.add_account(name=name, badge=None, role=role, actor="E",
                                   password_hash=hash_password(f"{name}-pass"))  # fmt: skip
    with (
        CaseSession.sign_in(session.store.case_dir, "Other", "Other-pass") as other,
        pytest.raises(PermissionDeniedError, match="only they or a supervisor"),
    ):
        annotations.remove(other, note.id, "not yours")
    with CaseSession.sign_in(session.store.case_dir, "Sup", "Sup-pass") as sup:
        assert annotations.remove(sup, note.id, "supervisor's call").removed_by == "Sup"


def test_items_json_carries_notes_tags_and_marked_frames(session: CaseSession) -> None:
    note = annotations.add_note(session, 1, "n1")
    annotations.set_tags(session, 1, add=["t1"])
    listed = {item["id"]: item for item in item_listing(session)}
    one, two = listed[1], listed[2]
    assert one["examiner_notes"] == [{"id": note.id, "text": "n1", "examiner": "E", "at": note.at}]
    assert one["tags"] == ["t1"] and one["marked_frames"] == []
    assert isinstance(one["notes"], list)  # the ingest's notes keep their field
    assert (two["examiner_notes"], two["tags"], two["marked_frames"]) == ([], [], [])
