"""Read-only queries the reports need and :class:`CaseStore` does not offer.

The exhibits with their source folders and the history of match runs. Kept
beside the case store so that SQL stays inside ``triage_app.storage``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from triage_app.storage.case_store import CaseStore, exhibit_source
from triage_app.storage.models.case import Exhibit, MatchRun


@dataclass(frozen=True, slots=True)
class ExhibitRow:
    """An exhibit as stored."""

    id: int
    reference: str
    source_root: bytes
    added_at: str
    #: kind, path, verification, stored/computed MD5 (see ``CaseStore.summary``).
    source: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MatchRunRow:
    """A match run as stored, its JSON columns decoded."""

    id: int
    started_at: str
    finished_at: str | None
    hash_sets: list[dict[str, Any]]
    thresholds: dict[str, Any]
    counts: dict[str, int]
    app_version: str


def exhibits(store: CaseStore) -> list[ExhibitRow]:
    """Every exhibit of the case, in the order they were added."""
    with store.read_session() as session:
        return [
            ExhibitRow(e.id, e.reference, e.source_root, e.added_at, exhibit_source(e))
            for e in session.scalars(select(Exhibit).order_by(Exhibit.id))
        ]


def match_runs(store: CaseStore) -> list[MatchRunRow]:
    """Every match run of the case, oldest first."""
    with store.read_session() as session:
        return [
            MatchRunRow(
                id=r.id,
                started_at=r.started_at,
                finished_at=r.finished_at,
                hash_sets=list(json.loads(r.hash_sets or "[]")),
                thresholds=dict(json.loads(r.thresholds or "{}")),
                counts={str(k): int(v) for k, v in json.loads(r.counts or "{}").items()},
                app_version=r.app_version,
            )
            for r in session.scalars(select(MatchRun).order_by(MatchRun.id))
        ]
