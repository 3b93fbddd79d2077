"""The annotation store: one transaction per change, rows never deleted, set-based reads."""

from __future__ import annotations

import sqlite3

import pytest
from review_helpers import add_items

from triage_app import audit
from triage_app.domain.accounts import Account
from triage_app.storage.annotation_store import AnnotationStore, AnnotationWrite, NewAnnotation
from triage_app.storage.case_store import CaseStore
from triage_app.storage.review_store import ReviewStore

ACTOR = Account(1, "E", None, "examiner", True)


def _note(text: str) -> AnnotationWrite:
    return AnnotationWrite(audit.NOTE_ADDED, (NewAnnotation("note", text),))


def test_a_change_and_its_entry_commit_together(store: CaseStore) -> None:
    (item,) = add_items(store, 1)
    notes = AnnotationStore(store)
    head = ReviewStore(store).audit_head()
    (added,), removed = notes.write(ACTOR, item, lambda _current: _note("first"))
    assert removed == [] and added.audit_seq == head[0] + 1
    assert ReviewStore(store).audit_head()[0] == head[0] + 1

    def refuse(_current: object) -> AnnotationWrite:
        raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError):
        notes.write(ACTOR, item, refuse)
    assert notes.write(ACTOR, item, lambda _current: None) == ([], [])
    assert [a.text for a in notes.annotations([item])] == ["first"]
    assert ReviewStore(store).audit_head()[0] == head[0] + 1


def test_removal_marks_the_row_and_the_database_refuses_a_delete(store: CaseStore) -> None:
    (item,) = add_items(store, 1)
    notes = AnnotationStore(store)
    (added,), _ = notes.write(ACTOR, item, lambda _current: _note("keep me"))
    change = AnnotationWrite(audit.ANNOTATION_REMOVED, removed=(added.id,), reason="typo")
    _, (gone,) = notes.write(ACTOR, item, lambda _current: change)
    assert gone.removed and gone.removed_reason == "typo" and gone.removed_by == "E"
    assert notes.annotations([item]) == []
    assert [a.id for a in notes.annotations([item], removed=True)] == [added.id]
    with (
        sqlite3.connect(store.case_dir / "case.db") as con,
        pytest.raises(sqlite3.DatabaseError, match="never deleted"),
    ):
        con.execute("DELETE FROM item_notes")


def test_current_tags_in_one_read(store: CaseStore) -> None:
    ids = add_items(store, 3)
    notes = AnnotationStore(store)
    for item, tags in ((ids[0], ("a", "b")), (ids[2], ("c",))):
        added = tuple(NewAnnotation("tag", t) for t in tags)
        notes.write(ACTOR, item, lambda _c, a=added: AnnotationWrite(audit.TAGS_CHANGED, a))
    assert notes.current_tags() == {ids[0]: ["a", "b"], ids[2]: ["c"]}
