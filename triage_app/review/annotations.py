"""Examiners' notes, tags and marked video frames on items (Qt-free; the CLI and GUI call it).

- a **note** is free text (1 to 2000 characters, new lines allowed);
- a **tag** is a short label (1 to 40 printable characters, trimmed); an item holds a
  tag once, whatever its case ("Chat" and "chat" are one tag);
- a **marked frame** is a time in a video (seconds from its start, within its duration
  when known), with an optional note: the frame that shows what the grade rests on.

Every write is one audited action ("note added", "tags changed", "frame marked",
"annotation removed") committed with its rows (:mod:`triage_app.storage.annotation_store`).
Nothing is deleted: :func:`remove` marks an annotation removed, with a reason, and
only its author or a supervisor may. ``audit verify`` replays them all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from triage_app import audit
from triage_app.case.session import CaseSession
from triage_app.domain.accounts import SUPERVISOR
from triage_app.domain.errors import PermissionDeniedError, ReasonRequiredError, TriageError
from triage_app.domain.text_safety import printable
from triage_app.storage.annotation_store import (
    AnnotationStore,
    AnnotationWrite,
    NewAnnotation,
    StoredAnnotation,
)
from triage_app.storage.models.annotations import FRAME, NOTE, TAG

__all__ = [
    "FRAME", "NOTE", "TAG", "Annotation", "AnnotationError", "ItemAnnotations", "TagChange",
    "add_note", "check_note", "check_tag", "for_item", "for_items", "mark_frame", "remove",
    "set_tags", "tags_by_item",
]  # fmt: skip

MAX_TAG = 40
MAX_NOTE = 2000


class AnnotationError(TriageError):
    """A note, tag or frame mark that the rules refuse."""


class AnnotationReasonRequiredError(AnnotationError, ReasonRequiredError):
    """A removal refused only for want of a reason."""


@dataclass(frozen=True, slots=True)
class Annotation:
    """A note, tag or marked frame of an item."""

    id: int
    item_id: int
    kind: str
    #: The note or tag; a marked frame's note (None when it has none).
    text: str | None
    #: A marked frame's time in seconds (None for notes and tags).
    seconds: float | None
    examiner: str
    at: str
    removed_at: str | None = None
    removed_by: str | None = None
    removed_reason: str | None = None

    @property
    def removed(self) -> bool:
        """True once the annotation was marked removed."""
        return self.removed_at is not None


@dataclass(frozen=True, slots=True)
class ItemAnnotations:
    """An item's current notes, tags and marked frames (oldest first), and those removed."""

    item_id: int
    notes: tuple[Annotation, ...] = ()
    tags: tuple[str, ...] = ()
    frames: tuple[Annotation, ...] = ()
    removed: tuple[Annotation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The item JSON's ``examiner_notes``, ``tags`` and ``marked_frames`` fields."""
        return {
            "examiner_notes": [
                {"id": n.id, "text": n.text, "examiner": n.examiner, "at": n.at} for n in self.notes
            ],
            "tags": list(self.tags),
            "marked_frames": [
                {
                    "id": f.id,
                    "seconds": f.seconds,
                    "note": f.text,
                    "examiner": f.examiner,
                    "at": f.at,
                }
                for f in self.frames
            ],
        }


@dataclass(frozen=True, slots=True)
class TagChange:
    """What :func:`set_tags` did: tags added, tags removed, tags asked for that were
    already so (held, or not held), and the item's tags now."""

    item_id: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    tags: tuple[str, ...]


def _public(a: StoredAnnotation) -> Annotation:
    return Annotation(
        a.id, a.item_id, a.kind, a.text, a.frame_s, a.user, a.time_utc, a.removed_at,
        a.removed_by, a.removed_reason,
    )  # fmt: skip


def check_tag(text: str) -> str:
    """A tag as stored: trimmed, 1 to 40 printable characters."""
    tag = text.strip()
    if not 1 <= len(tag) <= MAX_TAG or not tag.isprintable():
        raise AnnotationError(
            f"a tag is 1 to {MAX_TAG} printable characters (no control characters or new "
            f"lines): {printable(tag)!r} is not"
        )
    return tag


def check_note(text: str, what: str = "a note") -> str:
    """A note as stored: trimmed, 1 to 2000 characters, printable but for new lines and tabs."""
    note = text.replace("\r\n", "\n").strip()
    if not note:
        raise AnnotationError(f"{what} needs some text")
    if len(note) > MAX_NOTE:
        raise AnnotationError(f"{what} is at most {MAX_NOTE} characters (this has {len(note)})")
    bad = sorted({ch for ch in note if not ch.isprintable() and ch not in "\n\t"})
    if bad:
        shown = ", ".join(printable(ch) for ch in bad)
        raise AnnotationError(f"{what} may not hold control or direction characters ({shown})")
    return note


def _check_item(session: CaseSession, item_id: int, what: str) -> None:
    session.refuse_if_blind(what)  # blind QA (supervision): notes may name grades
    if not session.store.item_exists([item_id]):
        raise AnnotationError(f"no such item: {item_id}")


def _store(session: CaseSession) -> AnnotationStore:
    return AnnotationStore(session.store)


def add_note(session: CaseSession, item_id: int, text: str) -> Annotation:
    """Add a note to an item (one "note added" entry)."""
    note = check_note(text)
    _check_item(session, item_id, "adding a note")
    change = AnnotationWrite(audit.NOTE_ADDED, (NewAnnotation(NOTE, note),))
    added, _ = _store(session).write(session.account, item_id, lambda _current: change)
    return _public(added[0])


def _distinct(tags: Sequence[str]) -> list[str]:
    """Checked tags, each once whatever its case (the first spelling kept)."""
    out: dict[str, str] = {}
    for tag in map(check_tag, tags):
        out.setdefault(tag.casefold(), tag)
    return list(out.values())


def set_tags(
    session: CaseSession, item_id: int, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> TagChange:
    """Add and remove tags of an item in one "tags changed" entry (none if nothing
    changes); a tag is matched whatever its case."""
    adding = _distinct(add)
    dropping = _distinct(remove)
    if not adding and not dropping:
        raise AnnotationError("no tags given")
    both = {t.casefold() for t in adding} & {t.casefold() for t in dropping}
    if both:
        raise AnnotationError(
            f"a tag cannot be added and removed at once: {', '.join(sorted(both))}"
        )
    _check_item(session, item_id, "tagging")
    outcome: dict[str, list[Any]] = {}

    def plan(current: list[StoredAnnotation]) -> AnnotationWrite | None:
        held = {(a.text or "").casefold(): a for a in current if a.kind == TAG and not a.removed}
        new = [t for t in adding if t.casefold() not in held]
        gone = [held[t.casefold()] for t in dropping if t.casefold() in held]
        outcome.update(held=list(held.values()), new=new, gone=gone)
        if not new and not gone:
            return None
        added = tuple(NewAnnotation(TAG, t) for t in new)
        return AnnotationWrite(audit.TAGS_CHANGED, added, tuple(a.id for a in gone))

    _store(session).write(session.account, item_id, plan)
    new, gone = outcome["new"], outcome["gone"]
    dropped = {a.id for a in gone}
    kept = [a.text or "" for a in outcome["held"] if a.id not in dropped]
    changed = {t.casefold() for t in new} | {(a.text or "").casefold() for a in gone}
    unchanged = [t for t in adding + dropping if t.casefold() not in changed]
    return TagChange(
        item_id, tuple(new), tuple(a.text or "" for a in gone), tuple(unchanged),
        tuple(kept + new),
    )  # fmt: skip


def mark_frame(
    session: CaseSession, item_id: int, seconds: float, note: str | None = None
) -> Annotation:
    """Mark a frame of a video item at ``seconds`` (within its duration when known),
    with an optional note (one "frame marked" entry)."""
    text = check_note(note, "a frame's note") if note is not None and note.strip() else None
    _check_item(session, item_id, "marking a frame")
    item = session.store.item(item_id)
    record = item.record if item is not None else None
    if record is None or record.media_type != "video":
        raise AnnotationError(f"item {item_id} is not a video: only a video's frames are marked")
    if not math.isfinite(seconds) or seconds < 0:
        raise AnnotationError(f"a frame's time is a number of seconds from 0: {seconds} is not")
    if record.duration_s is not None and seconds > record.duration_s:
        raise AnnotationError(
            f"item {item_id} lasts {record.duration_s:g} s: there is no frame at {seconds:g} s"
        )
    at = round(float(seconds), 3)
    change = AnnotationWrite(audit.FRAME_MARKED, (NewAnnotation(FRAME, text, at),))
    added, _ = _store(session).write(session.account, item_id, lambda _current: change)
    return _public(added[0])


def remove(session: CaseSession, annotation_id: int, reason: str) -> Annotation:
    """Mark a note, tag or frame mark removed, with a reason ("annotation removed");
    only its author or a supervisor may. Nothing is deleted."""
    why = (reason or "").strip()
    if not why:
        raise AnnotationReasonRequiredError("removing a note, tag or frame mark needs a reason")
    why = check_note(why, "a reason")
    store = _store(session)
    found = store.annotation(annotation_id)
    if found is None:
        raise AnnotationError(f"no note, tag or frame mark {annotation_id}")
    _check_item(session, found.item_id, "removing a note")
    if found.user != session.actor and session.account.role != SUPERVISOR:
        raise PermissionDeniedError(
            f"{found.kind} {annotation_id} was written by {found.user}: only they or a "
            "supervisor may remove it"
        )

    def plan(current: list[StoredAnnotation]) -> AnnotationWrite:
        now = next((a for a in current if a.id == annotation_id), None)
        if now is None or now.removed:
            raise AnnotationError(f"{found.kind} {annotation_id} was removed already")
        return AnnotationWrite(audit.ANNOTATION_REMOVED, removed=(annotation_id,), reason=why)

    _, removed = store.write(session.account, found.item_id, plan)
    return _public(removed[0])


def _gather(item_id: int, rows: Sequence[StoredAnnotation]) -> ItemAnnotations:
    live = [_public(a) for a in rows if not a.removed]
    return ItemAnnotations(
        item_id,
        notes=tuple(a for a in live if a.kind == NOTE),
        tags=tuple(a.text or "" for a in live if a.kind == TAG),
        frames=tuple(sorted((a for a in live if a.kind == FRAME), key=lambda a: a.seconds or 0)),
        removed=tuple(_public(a) for a in rows if a.removed),
    )


def for_item(session: CaseSession, item_id: int) -> ItemAnnotations:
    """An item's notes, tags and marked frames (and those removed)."""
    _check_item(session, item_id, "an item's notes")
    return _gather(item_id, _store(session).annotations([item_id], removed=True))


def for_items(
    session: CaseSession, item_ids: Sequence[int] | None = None
) -> dict[int, ItemAnnotations]:
    """The current annotations of some items or all, read at once (items without any
    are left out; ``removed`` is left empty)."""
    session.refuse_if_blind("the items' notes")
    by_item: dict[int, list[StoredAnnotation]] = {}
    for a in _store(session).annotations(item_ids):
        by_item.setdefault(a.item_id, []).append(a)
    return {item: _gather(item, rows) for item, rows in by_item.items()}


def tags_by_item(session: CaseSession) -> dict[int, list[str]]:
    """Every tagged item's current tags, in one query (for filters over the whole case)."""
    session.refuse_if_blind("the items' tags")
    return _store(session).current_tags()
