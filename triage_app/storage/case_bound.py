"""The base of the stores that work on an open case's database through its :class:`CaseStore`."""

from __future__ import annotations

from triage_app.storage.case_store import CaseStore


class CaseBound:
    """A part of a store bound to one open case (its tables, through ``self.store``)."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
