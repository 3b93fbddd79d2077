"""Grading a gallery tile so that no copy is lost.

A grade key on a tile grades the item and every byte-identical copy of it in
its duplicate group (same SHA-256) in one transaction: the copies take the
grade as ``propagated from item N``, so one undo step reverts them all.
Near duplicates are graded with it only when the examiner accepts them.
Copies graded by a person or a hash list keep their grade (a conflict is
reported), as with whole-group grading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from triage_app.case.session import CaseSession
from triage_app.review.grade_writes import GradeOutcome, check_items
from triage_app.review.grading import grade


@dataclass(frozen=True, slots=True)
class Copies:
    """The other members of an item's duplicate group, split by kind."""

    identical: tuple[int, ...]
    near: tuple[int, ...]


def split_copies(
    item: int, sha256: str | None, members: Iterable[tuple[int, str | None]]
) -> Copies:
    """``(id, sha256)`` group members other than ``item``: byte-identical ones and the rest."""
    identical: list[int] = []
    near: list[int] = []
    for other, digest in members:
        if other == item:
            continue
        (identical if sha256 and digest == sha256 else near).append(other)
    return Copies(tuple(identical), tuple(near))


def copies_of(session: CaseSession, item_ids: Sequence[int]) -> dict[int, Copies]:
    """Each item's byte-identical copies and near duplicates, read from its group."""
    clusters = session.review.clusters()
    wanted = {i: clusters[i][0] for i in item_ids if i in clusters}
    members = {g: session.review.cluster_members(g) for g in set(wanted.values())}
    everyone = sorted({m for ms in members.values() for m in ms} | set(item_ids))
    digests = {r.id: r.sha256 for r in session.store.hashed_items(everyone)}
    return {
        item: split_copies(
            item, digests.get(item), [(m, digests.get(m)) for m in members.get(group, [])]
        )
        for item, group in wanted.items()
    }


def grade_tiles(
    session: CaseSession,
    item_ids: Sequence[int],
    category: str,
    *,
    near: Iterable[int] = (),
    reason: str | None = None,
    keep_list_grades: bool = False,
) -> GradeOutcome:
    """Grade items with their byte-identical copies (and the ``near`` duplicates accepted)."""
    ids = check_items(session, item_ids)
    accepted = set(near)
    copies = {
        item: [*c.identical, *(n for n in c.near if n in accepted)]
        for item, c in copies_of(session, ids).items()
    }
    return grade(
        session, ids, category, reason=reason, copies=copies, keep_list_grades=keep_list_grades
    )


def graded_text(outcome: GradeOutcome, code: str, *, near: Iterable[int] = ()) -> str:
    """What the status bar says: "Graded 2 items (1 byte-identical copy) as A", and the rest.

    ``near`` are the near duplicates accepted; other propagated items are copies.
    """
    accepted = set(near)
    done = [*outcome.graded, *outcome.propagated]
    near_count = sum(1 for i in outcome.propagated if i in accepted)
    copies = len(outcome.propagated) - near_count
    extra = []
    if copies:
        extra.append(f"{copies} byte-identical cop{'y' if copies == 1 else 'ies'}")
    if near_count:
        extra.append(f"{near_count} near duplicate{'s' if near_count != 1 else ''}")
    text = f"Graded {len(done)} item{'s' if len(done) != 1 else ''}"
    text += f" ({', '.join(extra)})" if extra else ""
    text += f" as {code}"
    if outcome.unchanged:
        text += f"; {len(outcome.unchanged)} already so graded"
    if outcome.kept:
        n = len(outcome.kept)
        text += f"; {n} hash-list grade{'s' if n != 1 else ''} kept"
    if outcome.conflicts:
        text += f"; {len(outcome.conflicts)} kept another grade: {outcome.conflicts[0]}"
    return text
