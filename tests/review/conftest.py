"""A signed-in session on a case with six synthetic items (no ingest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import TEST_PASSWORD, TEST_USER
from review_helpers import add_items

from triage_app.case.session import CaseSession
from triage_app.storage.case_store import CaseStore


@pytest.fixture
def session(store: CaseStore) -> Iterator[CaseSession]:
    add_items(store, 6)
    with CaseSession.sign_in(store.case_dir, TEST_USER, TEST_PASSWORD) as s:
        yield s
