"""The public JSON shape of an item (``triage items --json``).

Field names here are a contract that lab scripts rely on: add fields, never
rename or remove them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from triage_app.domain.records import StoredItem
from triage_app.storage.review_store import CurrentGrade


def display_path(raw: bytes) -> str:
    """Decode a stored path losslessly: bytes that are not UTF-8 become surrogate
    escapes (``os.fsencode`` turns them back into the original bytes)."""
    return os.fsdecode(raw)


def grade_fields(grade: CurrentGrade, user_key: str) -> dict[str, Any]:
    """A grade's category, source, account (under ``user_key``) and time, in that order
    (here, and as an audit entry's ``before``)."""
    return {
        "category": grade.category,
        "source": grade.source,
        user_key: grade.user,
        "time": grade.time_utc,
    }


def grade_to_json(grade: CurrentGrade | None) -> dict[str, Any] | None:
    """The ``grade`` field: null, or category, source, examiner, time (and reason)."""
    if grade is None:
        return None
    return {**grade_fields(grade, "examiner"), "reason": grade.reason}


def cluster_to_json(
    cluster: tuple[int, str, bool, int] | None, sizes: dict[int, int]
) -> dict[str, Any] | None:
    """The ``cluster`` field: null, or the duplicate group the item belongs to."""
    if cluster is None:
        return None
    group, kind, representative, distance = cluster
    return {
        "id": group,
        "kind": kind,
        "size": sizes.get(group, 1),
        "representative": representative,
        "representative_item": group,
        "distance": distance,
    }


#: The record's fields in the JSON, in order (after ``id``, ``exhibit`` and ``path``).
_RECORD_FIELDS = (
    "size", "md5", "sha1", "sha256", "media_type", "format", "width", "height", "phash",
    "dhash", "pdq", "pdq_quality", "low_information", "status", "reason", "entry_kind",
    "decode_status", "frames",
    "draft_scale", "exif_datetime", "camera_make", "camera_model", "mtime_ns",
    "atime_preserved", "notes", "deleted", "container", "fs_address", "duration_s", "fps",
    "codec", "frames_sampled",
)  # fmt: skip


def item_to_json(
    item: StoredItem,
    *,
    grade: CurrentGrade | None = None,
    cluster: tuple[int, str, bool, int] | None = None,
    sizes: dict[int, int] | None = None,
    annotations: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Shape a stored item for output; ``annotations`` are its ``examiner_notes``,
    ``tags`` and ``marked_frames`` (:meth:`~triage_app.review.annotations.ItemAnnotations.to_json`;
    empty lists when None). ``notes`` stays what the ingest noted about the file."""
    record = item.record
    hashed = bool(record.phash)  # the tool versions matter only for perceptual hashes
    out: dict[str, Any] = {
        "id": item.id,
        "exhibit": item.exhibit,
        "path": display_path(record.path),
        **{name: getattr(record, name) for name in _RECORD_FIELDS},
        "pillow_version": item.pillow_version if hashed else None,
        "imagehash_version": item.imagehash_version if hashed else None,
        "match": item.match.as_json() if item.match is not None else None,
        "grade": grade_to_json(grade),
        "cluster": cluster_to_json(cluster, sizes or {}),
        "examiner_notes": [],
        "tags": [],
        "marked_frames": [],
        **(annotations or {}),
    }
    try:
        record.path.decode("utf-8")
    except UnicodeDecodeError:
        out["path_hex"] = record.path.hex()
    return out
