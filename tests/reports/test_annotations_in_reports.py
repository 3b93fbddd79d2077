"""Notes, tags, marked frames and video durations in the reports (CSV, HTML, VICS)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TEST_PASSWORD, TEST_USER
from report_helpers import csv_sections

from triage_app.case.session import CaseSession
from triage_app.domain.records import STATUS_HASHED, FileRecord
from triage_app.reports import export_report
from triage_app.review import annotations, grading

UNSEEN = "graded without viewing: synthetic film for the report test"
#: Text an attacker might hope a report renders or a spreadsheet runs.
FORMULA = '=HYPERLINK("http://x","y")'
MARKUP = "<script>alert(1)</script>"


def _videos(session: CaseSession) -> tuple[int, int]:
    """Exhibit OP/4: two graded videos of known length (75.5 s and 30 s)."""
    store = session.store
    exhibit = store.exhibit_for_ingest("OP/4", b"/nonexistent/op4")
    run = store.start_run(exhibit, workers=1, versions={"pillow": "t", "imagehash": "t"},
                          actor=session.actor, source="/nonexistent/op4")  # fmt: skip
    records = [
        FileRecord(
            path=f"films/f{n}.mp4".encode(), entry_kind="file", status=STATUS_HASHED,
            size=9000 + n, md5=f"{0xAB00 + n:032x}", sha1=f"{0xAB00 + n:040x}",
            sha256=f"{0xAB00 + n:064x}", media_type="video", format="MP4",
            decode_status="not decoded", duration_s=length,
        )
        for n, length in ((1, 75.5), (2, 30.0))
    ]  # fmt: skip
    store.add_records(exhibit, run, records)
    store.finish_run(run, state="finished", atime_preserved=None, actor=session.actor)
    ids = sorted(i.id for i in store.iter_items() if i.exhibit == "OP/4")
    grading.grade(session, ids, "A", reason=UNSEEN)
    return ids[0], ids[1]


@pytest.fixture
def annotated(case: Path) -> tuple[Path, int, int]:
    """The report case with two videos, a tagged and noted image, and a marked frame."""
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        film, _other = _videos(session)
        image = next(
            i.id for i in session.store.iter_items() if i.record.path == b"DCIM/IMG_001.jpg"
        )
        annotations.add_note(session, image, FORMULA)
        annotations.add_note(session, image, MARKUP + "\nsecond line")
        annotations.set_tags(session, image, add=["chat", "@home"])
        annotations.mark_frame(session, film, 12.25, "the worst frame")
    return case, image, film


def test_csv_lists_tags_notes_marked_frames_and_durations(
    annotated: tuple[Path, int, int], tmp_path: Path
) -> None:
    case, image, film = annotated
    out = tmp_path / "r.csv"
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        export_report(session, "csv", out)
    sections = csv_sections(out)
    rows = {int(r["item_id"]): r for r in sections["item"]}
    assert rows[image]["tags"] == "chat; @home"
    notes = rows[image]["notes"]
    assert notes.startswith("'" + FORMULA)  # neutralised for spreadsheets
    assert MARKUP + "\nsecond line" in notes and notes.count(f"({TEST_USER}, ") == 2
    assert rows[film]["duration_s"] == "75.5"
    assert rows[film]["marked_frames"].startswith("12.250s: the worst frame (E, ")
    assert rows[image]["duration_s"] == "" and rows[image]["marked_frames"] == ""
    summary = {(r["scope"], r["exhibit"], r["row"], r["media"]): r for r in sections["summary"]}
    moving = summary[("exhibit", "OP/4", "A", "moving")]
    assert (moving["files"], moving["duration_s"]) == ("2", "105.5")
    assert summary[("exhibit", "OP/4", "A", "all")]["duration_s"] == "105.5"
    assert summary[("exhibit", "OP/4", "A", "still")]["duration_s"] == ""
    assert summary[("case", "", "all_files", "moving")]["duration_s"] == "105.5"


def test_html_shows_them_escaped_and_the_running_time(
    annotated: tuple[Path, int, int], tmp_path: Path
) -> None:
    case, _image, _film = annotated
    out = tmp_path / "r.html"
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        export_report(session, "html", out)
    page = out.read_text(encoding="utf-8")
    assert MARKUP not in page and "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in page
    assert "<b>Tags:</b> chat, @home" in page
    assert "<b>Frame 12.250 s</b>" in page and "the worst frame" in page
    assert "75.5 s" in page and "30.0 s" in page  # each video's running time
    assert "0:01:46" in page  # OP/4's two films, 105.5 s together
    assert "unknown</span>" in page  # the placeholder films of OP/1 have no known length


def test_vics_comments_carry_the_notes_and_tags(
    annotated: tuple[Path, int, int], tmp_path: Path
) -> None:
    case, _image, _film = annotated
    out = tmp_path / "r.vics.json"
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        export_report(session, "vics", out)
    media = json.loads(out.read_text(encoding="utf-8"))["value"][0]["Media"]
    tagged = [m for m in media if m.get("Tags")]
    assert [m["Tags"] for m in tagged] == ["@home, chat"]
    comments = tagged[0]["Comments"]
    assert "tags: @home, chat" in comments and FORMULA in comments
    assert "second line" in comments and "\n" not in comments
    framed = next(m for m in media if "marked frame" in m["Comments"])
    assert "at 12.250 s by E: the worst frame" in framed["Comments"]
