"""Filling a record from an object with same-named attributes."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from triage_app.domain.record_fields import fields_from


@dataclass
class _Row:
    id: int
    name: str
    label: str = "none"


def test_fields_come_from_the_source_unless_given() -> None:
    source = SimpleNamespace(id=3, name="from source", extra="ignored")
    assert _Row(**fields_from(source, _Row)) == _Row(3, "from source")
    assert _Row(**fields_from(source, _Row, name="given", label="x")) == _Row(3, "given", "x")
