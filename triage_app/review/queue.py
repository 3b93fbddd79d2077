"""What "needs a look" means, for the gallery's review queue and ``triage status`` alike.

An item needs a look when it is a media item (image or video) that nobody has
settled: it has no grade and no ignorable list settles it. The review load is
the number of tiles the review queue shows with duplicate groups collapsed:
each group (or lone item) with at least one member that needs a look counts
once, so a copy left ungraded keeps its group in the queue.
"""

from __future__ import annotations

from collections.abc import Iterable

MEDIA = ("image", "video")


def needs_look(media_type: str | None, grade: str | None, match_kind: str | None) -> bool:
    """A media item without a grade that no ignorable list settles."""
    return media_type in MEDIA and grade is None and match_kind != "ignorable"


def review_load(items: Iterable[tuple[int, int | None]]) -> int:
    """Tiles needed for ``(item id, duplicate group or None)`` pairs of items that need a look."""
    return len({("group", g) if g is not None else ("item", i) for i, g in items})
