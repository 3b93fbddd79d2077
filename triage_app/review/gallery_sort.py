"""The gallery's sort orders (no Qt here).

:func:`sort_order` gives one ascending key per row that already holds the
direction, so a view sorts with a single ``sort`` and finds or inserts a row by
bisection (the gallery model breaks ties by item id, ascending, itself; so does
:func:`sort_rows`). Rows without the value (no size, no modified time, no match)
come last in both directions. Paths sort by exhibit, then without regard to case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from triage_app.review.gallery_rows import GalleryRow

ID, PATH, SIZE, TIME, DISTANCE = "id", "path", "size", "time", "distance"
DEFAULT_SORT = ID

#: The sort keys the gallery offers, with their labels, in menu order.
SORT_KEYS: list[tuple[str, str]] = [
    (ID, "Item id"),
    (PATH, "Path"),
    (SIZE, "File size"),
    (TIME, "Modified time"),
    (DISTANCE, "Match distance"),
]

#: A comparable key per row, ascending (what ``GalleryModel.set_order`` takes).
Order = Callable[[GalleryRow], Any]

#: Every byte inverted: a descending order of strings as an ascending order of bytes.
_INVERT = bytes(range(255, -1, -1))


def _descending_text(text: str) -> bytes:
    """A key that sorts ascending as ``text`` sorts descending (UTF-8 keeps code point
    order; the ``\\xff`` end puts a longer text before its prefix)."""
    return text.encode("utf-8", "surrogatepass").translate(_INVERT) + b"\xff"


def _path(row: GalleryRow) -> tuple[str, str, str]:
    return (row.exhibit.casefold(), row.path.casefold(), row.path)


def _path_descending(row: GalleryRow) -> tuple[bytes, bytes, bytes]:
    exhibit, folded, path = _path(row)
    return (_descending_text(exhibit), _descending_text(folded), _descending_text(path))


_NUMBERS: dict[str, Callable[[GalleryRow], int | None]] = {
    SIZE: lambda row: row.size,
    TIME: lambda row: row.mtime_ns,
    DISTANCE: lambda row: row.match_distance,
}


def sort_order(key: str, descending: bool = False) -> Order | None:
    """The order of sort ``key`` (one of :data:`SORT_KEYS`'), None for item id ascending
    (the gallery's own order)."""
    if key == ID:
        return (lambda row: -row.item_id) if descending else None
    if key == PATH:
        return _path_descending if descending else _path
    try:
        value = _NUMBERS[key]
    except KeyError:
        raise ValueError(f"unknown sort key {key!r}") from None
    sign = -1 if descending else 1

    def order(row: GalleryRow) -> tuple[bool, int]:
        v = value(row)
        return (True, 0) if v is None else (False, sign * v)

    return order


def sort_rows(
    rows: Iterable[GalleryRow], key: str, *, descending: bool = False
) -> list[GalleryRow]:
    """``rows`` in the order of ``key``, ties by item id (one ``sorted`` call)."""
    order = sort_order(key, descending)
    if order is None:
        return sorted(rows, key=lambda row: row.item_id)
    return sorted(rows, key=lambda row: (order(row), row.item_id))
