"""The public JSON shape of an item (``triage items --json``).

Field names here are a contract that lab scripts rely on: add fields, never
rename or remove them.
"""

from __future__ import annotations

import json
import os
from typing import Any

from triage_app.storage.review_store import CurrentGrade


def display_path(raw: bytes) -> str:
    """Decode a stored path losslessly: bytes that are not UTF-8 become surrogate
    escapes (``os.fsencode`` turns them back into the original bytes)."""
    return os.fsdecode(raw)


def grade_to_json(grade: CurrentGrade | None) -> dict[str, Any] | None:
    """The ``grade`` field: null, or category, source, examiner, time (and reason)."""
    if grade is None:
        return None
    return {
        "category": grade.category,
        "source": grade.source,
        "examiner": grade.user,
        "time": grade.time_utc,
        "reason": grade.reason,
    }


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


def item_to_json(
    row: dict[str, Any],
    *,
    grade: CurrentGrade | None = None,
    cluster: tuple[int, str, bool, int] | None = None,
    sizes: dict[int, int] | None = None,
) -> dict[str, Any]:
    """Shape a stored item row for output."""
    raw: bytes = row["path"]
    path = display_path(raw)
    out: dict[str, Any] = {
        "id": row["id"],
        "exhibit": row["exhibit"],
        "path": path,
        "size": row["size"],
        "md5": row["md5"],
        "sha1": row["sha1"],
        "sha256": row["sha256"],
        "media_type": row["media_type"],
        "format": row["format"],
        "width": row["width"],
        "height": row["height"],
        "phash": row["phash"],
        "dhash": row["dhash"],
        "low_information": row["low_information"],
        "status": row["status"],
        "reason": row["reason"],
        "entry_kind": row["entry_kind"],
        "decode_status": row["decode_status"],
        "frames": row["frames"],
        "draft_scale": row["draft_scale"],
        "exif_datetime": row["exif_datetime"],
        "camera_make": row["camera_make"],
        "camera_model": row["camera_model"],
        "mtime_ns": row["mtime_ns"],
        "atime_preserved": row["atime_preserved"],
        "notes": json.loads(row["notes"]) if row["notes"] else [],
        "pillow_version": row["pillow_version"] if row["phash"] else None,
        "imagehash_version": row["imagehash_version"] if row["phash"] else None,
        "match": row.get("match"),
        "grade": grade_to_json(grade),
        "cluster": cluster_to_json(cluster, sizes or {}),
    }
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        out["path_hex"] = raw.hex()
    return out
