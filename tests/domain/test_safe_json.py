"""JSON from outside is read with limits: depth, number size, repeated keys."""

from __future__ import annotations

import pytest

from triage_app.domain.safe_json import JsonLimitError, loads


def test_ordinary_json_reads_as_usual() -> None:
    assert loads('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    assert loads(b'["[[[[ inside a string"]') == ["[[[[ inside a string"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 1000 + "]" * 1000, "nested more than 64"),
        ("[" * 100_000, "nested more than 64"),
        ('{"n": ' + "9" * 10_000 + "}", "10000 digits"),
        ('{"n": 1e' + "9" * 50 + "}", "digits"),
        ('{"a": 1, "a": 2}', "'a' appears twice"),
        ("[NaN]", "NaN is not a JSON number"),
        ("[Infinity]", "Infinity is not a JSON number"),
    ],
)
def test_hostile_json_is_refused_saying_why(text: str, says: str) -> None:
    with pytest.raises(JsonLimitError, match=says):
        loads(text)


def test_malformed_json_is_a_value_error_not_a_crash() -> None:
    with pytest.raises(ValueError):
        loads('{"a": ')
