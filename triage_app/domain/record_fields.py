"""Filling a record from another object whose attributes carry the same names."""

from __future__ import annotations

import functools
from dataclasses import fields
from typing import Any

_MISSING = object()


@functools.cache
def _names(target: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(target))


def fields_from(source: object, target: type, **given: Any) -> dict[str, Any]:
    """Keyword arguments for dataclass ``target``: ``given``, and for every other field
    the same-named attribute of ``source`` (an ORM row, another record); a field that
    ``source`` lacks is left to ``given`` or the field's default."""
    taken = given.copy()
    for name in _names(target):
        if name not in given:
            value = getattr(source, name, _MISSING)
            if value is not _MISSING:
                taken[name] = value
    return taken
