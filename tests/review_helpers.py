"""Helpers for review tests: a case with items (without an ingest), matches, gallery rows."""

from __future__ import annotations

from pathlib import Path

from triage_app.case.session import CaseSession
from triage_app.domain.records import STATUS_HASHED, FileRecord, MatchRecord
from triage_app.review.gallery_rows import GalleryRow
from triage_app.storage.case_store import CaseStore


def add_items(store: CaseStore, count: int, *, media_type: str = "image") -> list[int]:
    """Record ``count`` synthetic hashed items; return their ids."""
    exhibit = store.exhibit_for_ingest("T/1", b"/nonexistent/source")
    run = store.start_run(
        exhibit,
        workers=1,
        versions={"pillow": "t", "imagehash": "t"},
        actor="E",
        source="/nonexistent/source",
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
            pdq=f"{(i * 0x9E3779B97F4A7C15C2B2AE3D27D4EB4F) % (1 << 256):064x}",
            pdq_quality=90,
            low_information=False,
        )
        for i in range(1, count + 1)
    ]
    store.add_records(exhibit, run, records)
    store.finish_run(run, state="finished", atime_preserved=True, actor="E")
    rows = sorted(item.id for item in store.iter_items())
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


def gallery_row(item_id: int, **kw: object) -> GalleryRow:
    """A gallery row with plain defaults (an image, decoded, ungraded, in no group)."""
    base: dict[str, object] = {
        "item_id": item_id, "exhibit": "T/1", "path": f"p{item_id}.jpg", "status": "hashed",
        "media_type": "image", "format": "JPEG", "decode_status": "decoded", "width": 10,
        "height": 10, "low_information": False, "match_kind": None, "match_category": None,
        "match_distance": None, "grade": None, "grade_source": None, "cluster": None,
        "cluster_size": 1, "representative": True,
    }  # fmt: skip
    base.update(kw)
    return GalleryRow(**base)  # type: ignore[arg-type]


def group_rows(cluster: int, ids: list[int], rep: int, **kw: object) -> list[GalleryRow]:
    """The rows of one duplicate group whose representative is ``rep``."""
    return [
        gallery_row(i, cluster=cluster, cluster_size=len(ids), representative=i == rep, **kw)
        for i in ids
    ]


def item_ids(session: CaseSession) -> list[int]:
    """The ids of the case's items, in order."""
    return sorted(item.id for item in session.store.iter_items())
