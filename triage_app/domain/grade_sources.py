"""Where a grade came from (its ``source``): by hand, from a list, confirmed, propagated."""

from __future__ import annotations

MANUAL = "manual"
FROM_LIST = "hash-list exact"
CONFIRMED = "near match confirmed"
PROPAGATED_PREFIX = "propagated from item "
#: Sources that record a person's decision (not copied from elsewhere).
HUMAN_SOURCES = (MANUAL, CONFIRMED)


def propagated_source(item_id: int) -> str:
    """The source recorded on a grade copied from ``item_id``."""
    return f"{PROPAGATED_PREFIX}{item_id}"


def is_propagated(source: str | None) -> bool:
    """True for a grade copied from another item of its group."""
    return bool(source and source.startswith(PROPAGATED_PREFIX))


def propagated_origin(source: str | None) -> int | None:
    """The item a propagated grade was copied from (None for any other source)."""
    return int(source[len(PROPAGATED_PREFIX) :]) if source and is_propagated(source) else None
