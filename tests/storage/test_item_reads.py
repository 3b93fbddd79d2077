"""Reading items back: what matching, grouping and grading need, and which items exist."""

from __future__ import annotations

from conftest import TEST_PASSWORD, TEST_USER
from review_helpers import add_items, near, set_matches

from triage_app.case.session import CaseSession
from triage_app.storage.case_store import CaseStore


def test_hashed_items_carry_hashes_picture_facts_and_match(store: CaseStore) -> None:
    ids = add_items(store, 3)
    with CaseSession.sign_in(store.case_dir, TEST_USER, TEST_PASSWORD) as session:
        set_matches(session, [near(ids[1], "B", 3)])
    every = store.hashed_items()
    assert [i.id for i in every] == ids
    some = store.hashed_items([ids[2], ids[1], 999])
    assert [i.id for i in some] == [ids[1], ids[2]]
    suggested = some[0]
    assert (suggested.match_kind, suggested.match_category) == ("near", "B")
    assert suggested.pixels == (suggested.width or 0) * (suggested.height or 0) > 0
    assert suggested.phash is not None and suggested.bundle == {}
    assert store.item_exists([ids[0], 999]) == {ids[0]}
    assert store.item(999) is None
