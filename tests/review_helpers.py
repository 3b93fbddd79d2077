"""Helpers for grading and audit tests: a case with items, without an ingest."""

from __future__ import annotations

from pathlib import Path

from triage_app.case.session import CaseSession
from triage_app.domain.records import STATUS_HASHED, FileRecord, MatchRecord
from triage_app.storage.case_store import CaseStore


def add_items(store: CaseStore, count: int, *, media_type: str = "image") -> list[int]:
    """Record ``count`` synthetic hashed items; return their ids."""
    exhibit = store.exhibit_for_ingest("T/1", b"/nonexistent/source")
    run = store.start_run(
        exhibit, workers=1, versions={"pillow": "t", "imagehash": "t"}, actor="E", source="/x"
    )
    records = [
        FileRecord(
            path=f"img{i:04d}.jpg".encode(),
            entry_kind="file",
            status=STATUS_HASHED,
            size=1000 + i,
            md5=f"{i:032x}",
            sha1=f"{i:040x}",
            sha256=f"{i:064x}",
            media_type=media_type,
            format="JPEG",
            decode_status="decoded",
            width=100 + i,
            height=100,
            phash=f"{(i * 0x9E3779B97F4A7C15) % (1 << 64):016x}",
            dhash=f"{(i * 0xC2B2AE3D27D4EB4F) % (1 << 64):016x}",
            low_information=False,
        )
        for i in range(1, count + 1)
    ]
    store.add_records(exhibit, run, records)
    store.finish_run(run, state="finished", atime_preserved=True, actor="E")
    rows = sorted(r["id"] for r in store.iter_items())
    return rows[-count:]


def set_matches(session: CaseSession, matches: list[MatchRecord]) -> None:
    """Store match results as a match run would."""
    session.store.record_match_run(
        started_at="2026-01-01T00:00:00Z",
        hash_sets=[{"name": "list", "fingerprint": "f" * 64, "role": "known", "entries": 1}],
        thresholds={"phash": 10},
        matches=matches,
        actor=session.actor,
    )


def near(item: int, category: str, distance: int = 4) -> MatchRecord:
    """A near-match suggestion."""
    return MatchRecord(item, "near", "list", "f" * 64, 1, category, category, distance, "phash")


def exact(item: int, category: str | None) -> MatchRecord:
    """An exact hash-list match."""
    return MatchRecord(item, "exact", "list", "f" * 64, 1, category, category, 0, "md5")


def case_path(store: CaseStore) -> Path:
    """The case folder of a store."""
    return store.case_dir
