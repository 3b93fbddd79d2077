"""The sign-off guard: which items a sign-off covers, and changes made after one.

Used by the grade writes (:mod:`.review_store`) and by supervision
(:mod:`.qa_store`): once an exhibit (or the case) is signed off, every grade
change to its items needs a reason and is recorded as made after sign-off.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage_app.domain.errors import ReasonRequiredError
from triage_app.storage.database import in_chunks
from triage_app.storage.models.case import Item
from triage_app.storage.models.supervision import ChangeAfterSignOff, SignOffRecord

CASE_SCOPE = "case"
EXHIBIT_SCOPE = "exhibit"


class ChangeAfterSignOffError(ReasonRequiredError):
    """A grade change to an item of a signed-off exhibit was given no reason."""


def covering_sign_offs(session: Session, item_ids: Iterable[int]) -> dict[int, int]:
    """item -> the latest sign-off (id) covering its exhibit, for items under a sign-off.

    An exhibit is covered by its own sign-offs and by sign-offs of the whole case.
    """
    ids = list(dict.fromkeys(item_ids))
    if not ids or session.scalar(select(func.count()).select_from(SignOffRecord)) == 0:
        return {}
    latest_case = session.scalar(
        select(func.max(SignOffRecord.id)).where(SignOffRecord.scope == CASE_SCOPE)
    )
    per_exhibit = dict(
        session.execute(
            select(SignOffRecord.exhibit_id, func.max(SignOffRecord.id))
            .where(SignOffRecord.scope == EXHIBIT_SCOPE)
            .group_by(SignOffRecord.exhibit_id)
        ).all()
    )
    out: dict[int, int] = {}
    for chunk in in_chunks(ids):
        for item_id, exhibit_id in session.execute(
            select(Item.id, Item.exhibit_id).where(Item.id.in_(chunk))
        ):
            candidates = [s for s in (latest_case, per_exhibit.get(exhibit_id)) if s is not None]
            if candidates:
                out[int(item_id)] = int(max(candidates))
    return out


def note_change_after_sign_off(
    session: Session, change_id: int, sign_off_id: int, item_id: int
) -> None:
    """Record that grade change ``change_id`` was made after sign-off ``sign_off_id``."""
    session.add(ChangeAfterSignOff(change_id=change_id, sign_off_id=sign_off_id, item_id=item_id))
