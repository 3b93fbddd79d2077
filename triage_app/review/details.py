"""The detail pane's facts about one item: metadata, hashes, match, group, grade, history.

Read on a worker thread with :func:`load_details`, laid out by
:func:`detail_sections` as plain label/value pairs. There is no picture here
by design: the detail pane never shows the image.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.config.schemes import Scheme
from triage_app.domain.records import MatchRecord, StoredItem
from triage_app.review.annotations import ItemAnnotations, for_item
from triage_app.review.gallery_rows import GalleryRow
from triage_app.storage.review_store import CurrentGrade

Section = tuple[str, list[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class ItemDetails:
    """Everything stored about an item that the detail pane shows."""

    item: StoredItem
    grade: CurrentGrade | None
    history: list[dict[str, Any]] = field(default_factory=list)
    #: The examiner's notes, tags and marked frames (None: not read).
    annotations: ItemAnnotations | None = None


def load_details(session: CaseSession, item_id: int) -> ItemDetails | None:
    """Read an item, its current grade and its grade history (None if there is no such item)."""
    item = session.store.item(item_id)
    if item is None:
        return None
    grade = session.review.grades([item_id]).get(item_id)
    return ItemDetails(
        item=item,
        grade=grade,
        history=session.review.history(item_id),
        annotations=for_item(session, item_id),
    )


def _text(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bytes):
        return os.fsdecode(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    return f"{n:,} bytes"


def _category(scheme: Scheme, code: str | None) -> str:
    if code is None:
        return "-"
    try:
        return f"{code} ({scheme.get(code).label})"
    except KeyError:
        return code


def _match_section(match: MatchRecord | None, scheme: Scheme) -> list[tuple[str, str]]:
    if match is None:
        return [("Match", "none")]
    details = match.details or {}
    entry = details.get("entry") or {}
    kinds = {"exact": "exact hash-list match", "near": "near match (suggestion)"}
    rows = [
        ("Kind", kinds.get(match.kind, match.kind)),
        ("Hash set", _text(match.hash_set)),
        ("Set fingerprint", _text((match.set_fingerprint or "")[:16])),
        ("Category", _category(scheme, match.category)),
        ("List's code", _text(match.list_category)),
        ("Matched on", _text(match.matched_on)),
        ("Distance", _text(match.distance)),
        ("Matched entry", f"line {_text(entry.get('line'))}"
         + (f", {entry['name']}" if entry.get("name") else "")),
    ]  # fmt: skip
    if details.get("confirm_distance") is not None:
        rows.append(("Confirmed by dHash", f"distance {details['confirm_distance']}"))
    if match.flagged:
        rows.append(("Flags", ", ".join(map(str, match.flagged))))
    for conflict in details.get("conflicts", []):
        rows.append(("Conflict", str(conflict)))
    if details.get("also_ignorable_in"):
        rows.append(("Also ignorable in", ", ".join(details["also_ignorable_in"])))
    return rows


def history_lines(history: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """One (time, change) pair per grade change, oldest first."""
    lines = []
    for h in history:
        change = (
            f"{h['old_category'] or '-'} ({h['old_source'] or 'ungraded'}) -> "
            f"{h['new_category'] or '-'} ({h['new_source'] or 'ungraded'}) by {h['user']}"
        )
        if h.get("reason"):
            change += f"; reason: {h['reason']}"
        lines.append((str(h["time"])[:19].replace("T", " "), change))
    return lines


def detail_sections(details: ItemDetails, row: GalleryRow | None, scheme: Scheme) -> list[Section]:
    """The detail pane's sections for an item, as label/value pairs."""
    it, rec = details.item, details.item.record
    dims = f"{rec.width} x {rec.height} px" if rec.width else "-"
    item_rows = [
        ("Item", f"#{it.id}"),
        ("Exhibit", _text(it.exhibit)),
        ("Path", _text(rec.path)),
        ("Status", _text(rec.status) + (f": {rec.reason}" if rec.reason else "")),
        ("Media", f"{_text(rec.media_type)} / {_text(rec.format)}"),
        ("Size", _size(rec.size)),
        ("Dimensions", dims),
        ("Decode", _text(rec.decode_status)),
        ("Low information", _text(bool(rec.low_information))),
    ]
    if rec.frames:
        item_rows.append(("Frames", _text(rec.frames)))
    if rec.duration_s is not None:
        item_rows.append(("Duration", f"{rec.duration_s:.1f} s"))
        fps = f"{rec.fps:.3g} fps" if rec.fps else "fps unknown"
        item_rows.append(("Moving", f"{_text(rec.codec)}, {fps}, {_text(rec.frames_sampled)} "
                          "frames sampled"))  # fmt: skip
    if rec.exif_datetime:
        item_rows.append(("EXIF time", _text(rec.exif_datetime)))
    if rec.camera_make or rec.camera_model:
        camera = f"{rec.camera_make or ''} {rec.camera_model or ''}".strip()
        item_rows.append(("Camera", camera))
    if rec.notes:
        item_rows.append(("Notes", json.dumps(rec.notes)))  # as stored
    hashes = [
        (name.upper() if name in ("md5", "sha1", "sha256") else name, _text(getattr(rec, name)))
        for name in ("md5", "sha1", "sha256", "phash", "dhash")
    ]
    if rec.pdq:
        hashes.append(("PDQ", rec.pdq))
        hashes.append(("PDQ quality", _text(rec.pdq_quality)))
    sections: list[Section] = [
        ("Item", item_rows),
        ("Hashes", hashes),
        ("Match", _match_section(it.match, scheme)),
    ]
    if row is not None and row.cluster is not None:
        sections.append((
            "Duplicate group",
            [
                ("Group", f"#{row.cluster} ({row.cluster_size} items)"),
                ("This item", "representative" if row.representative else "member"),
            ],
        ))  # fmt: skip
    g = details.grade
    if g is None:
        sections.append(("Grade", [("Grade", "not graded")]))
    else:
        grade_rows = [
            ("Grade", _category(scheme, g.category)),
            ("Source", g.source),
            ("By", g.user),
            ("When (UTC)", g.time_utc[:19].replace("T", " ")),
        ]
        if g.reason:
            grade_rows.append(("Reason", g.reason))
        sections.append(("Grade", grade_rows))
    sections.append(("Grade history", history_lines(details.history) or [("-", "no changes")]))
    if details.annotations is not None:
        sections.append(("Notes and tags", annotation_lines(details.annotations)))
    return sections


def annotation_lines(found: ItemAnnotations) -> list[tuple[str, str]]:
    """The examiner's tags, notes and marked frames as label/value pairs."""
    lines = [("Tags", ", ".join(found.tags) or "-")]
    for note in found.notes:
        lines.append((f"Note #{note.id}", f"{note.text} ({note.examiner}, {note.at[:16]})"))
    for mark in found.frames:
        said = f": {mark.text}" if mark.text else ""
        lines.append((f"Frame {mark.seconds:.1f} s", f"marked by {mark.examiner}{said}"))
    return lines
