"""An item's record and its match as table rows, and back, field by field.

The ``items`` columns are the :class:`FileRecord` fields of the same names
plus the item's id, exhibit, run and processing time (the store's); the
``matches`` columns are the :class:`MatchRecord` fields plus the run. Lists
and dicts are stored as JSON text, an empty one as NULL. Nothing here names
the other fields: a field added to a record and to its table is stored and
read back without more.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

from triage_app.domain.records import FileRecord, MatchRecord
from triage_app.storage.models.case import Item, Match

#: JSON-stored fields: whether keys are sorted, and the empty value read for NULL.
_Codecs = dict[str, tuple[bool, Callable[[], Any]]]
_ITEM_JSON: _Codecs = {"notes": (False, list), "hash_bundle": (True, dict)}
_MATCH_JSON: _Codecs = {"flagged": (False, list), "details": (True, dict)}


def _shared(table_columns: Any, record: type) -> tuple[str, ...]:
    names = {f.name for f in fields(record)}
    return tuple(c.name for c in table_columns if c.name in names)


#: The record's fields that are columns of ``items``, in table order.
RECORD_COLUMNS = _shared(Item.__table__.columns, FileRecord)
MATCH_COLUMNS = _shared(Match.__table__.columns, MatchRecord)


def _encode(values: dict[str, Any], codecs: _Codecs) -> dict[str, Any]:
    for name, (sort, _empty) in codecs.items():
        values[name] = json.dumps(values[name], sort_keys=sort) if values[name] else None
    return values


def _decode(values: dict[str, Any], codecs: _Codecs) -> dict[str, Any]:
    for name, (_sort, empty) in codecs.items():
        values[name] = json.loads(values[name]) if values[name] else empty()
    return values


def item_values(record: FileRecord) -> dict[str, Any]:
    """The ``items`` values of a record (without the store's columns)."""
    return _encode({name: getattr(record, name) for name in RECORD_COLUMNS}, _ITEM_JSON)


def record_of(row: Mapping[Any, Any], prefix: str = "") -> FileRecord:
    """The record read back from ``items`` values keyed ``prefix + column``."""
    values = _decode({name: row[prefix + name] for name in RECORD_COLUMNS}, _ITEM_JSON)
    return FileRecord(**values)


def match_values(match: MatchRecord, run_id: int) -> dict[str, Any]:
    """The ``matches`` values of a match found by run ``run_id``."""
    values = _encode({name: getattr(match, name) for name in MATCH_COLUMNS}, _MATCH_JSON)
    return {**values, "run_id": run_id}


def match_of(row: Mapping[Any, Any], prefix: str = "") -> MatchRecord | None:
    """The match read back from ``matches`` values keyed ``prefix + column`` (None when
    the row has none: an outer join found no match)."""
    if row[prefix + "kind"] is None:
        return None
    return MatchRecord(**_decode({n: row[prefix + n] for n in MATCH_COLUMNS}, _MATCH_JSON))
