"""The full view of an item: its original read again from the evidence and decoded safely.

Called on a worker thread (the GUI's reveal runs it off the GUI thread). The
bytes come from :func:`triage_app.evidence.originals.read_original` (read-only,
any kind of source), the pixels from
:func:`triage_app.media.full_view.decode_for_view` (allow-list, bomb limit,
EXIF orientation). Nothing is written or cached: the sharp image lives only as
long as the reveal that shows it.
"""

from __future__ import annotations

from triage_app.case.session import CaseSession
from triage_app.evidence.originals import Location, OriginalUnavailableError, read_original
from triage_app.media.full_view import MAX_VIEW_SIDE, FullView, ViewError, decode_for_view


class NoFullViewError(Exception):
    """Why an item's original cannot be shown (the reveal falls back to its thumbnail)."""


def load_full_view(
    session: CaseSession, item_id: int, *, max_side: int = MAX_VIEW_SIDE
) -> FullView:
    """Item ``item_id``'s original image, upright, at most ``max_side`` px on its longest side."""
    origin = session.store.item_origin(item_id)
    if origin is None:
        raise NoFullViewError(f"item #{item_id} is not in the case")
    if origin.media_type != "image":
        raise NoFullViewError(f"item #{item_id} is not a still image")
    where = Location(
        origin.source_root, origin.source_kind, origin.path, origin.fs_address, origin.container
    )
    try:
        original = read_original(where)
        return decode_for_view(original.data, max_side=max_side)
    except (OriginalUnavailableError, ViewError) as exc:
        raise NoFullViewError(str(exc)) from None
