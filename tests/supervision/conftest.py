"""The QA case most supervision tests start from."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import add_items
from supervision_helpers import FIRST, PATTERN, SECOND, SUPER, sign

from triage_app.review import grading
from triage_app.storage.case_store import CaseStore
from triage_app.storage.review_store import ReviewStore


@pytest.fixture
def qa_case(store: CaseStore, test_password_hash: str) -> tuple[Path, list[int]]:
    """24 items; Alice has graded the first 18 by hand (A, B, C, ...); Bob and Sam exist."""
    ids = add_items(store, 24)
    review = ReviewStore(store)
    for name, badge, role in ((FIRST, "AF1", "examiner"), (SECOND, "BS2", "examiner"),
                              (SUPER, "SS3", "supervisor")):  # fmt: skip
        review.add_account(name=name, badge=badge, role=role, password_hash=test_password_hash,
                           actor="E")  # fmt: skip
    store.close()
    with sign(store.case_dir, FIRST) as s:
        for item, cat in zip(ids, PATTERN, strict=False):
            grading.grade(s, [item], cat)
    return store.case_dir, ids
