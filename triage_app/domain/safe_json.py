"""JSON from untrusted files, parsed with limits: depth, number size, duplicate keys.

Python's ``json`` recurses once per nesting level (a file of 100,000 ``[``
raises RecursionError), turns a 10,000-digit integer into a ValueError deep
inside ``int()``, and keeps the last of two equal keys silently. Hash lists
and settings come from outside, so every such file is read through
:func:`loads`: too deep, a number too long or a key given twice is a
:class:`JsonLimitError` that names what was wrong and where.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

#: How deeply arrays and objects may nest.
MAX_DEPTH = 64
#: The most digits a number may have (a 64-bit integer has at most 20).
MAX_NUMBER_DIGITS = 40


class JsonLimitError(ValueError):
    """A JSON document broke a limit (too deep, a number too long, a repeated key)."""


def check_depth(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than ``max_depth``, counting brackets outside strings."""
    depth = 0
    in_string = escaped = False
    for index, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonLimitError(
                    f"nested more than {max_depth} levels deep (at character {index})"
                )
        elif ch in "]}":
            depth -= 1


def _number(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_NUMBER_DIGITS:
            raise JsonLimitError(
                f"a number has {digits} digits (at most {MAX_NUMBER_DIGITS}): {text[:20]}…"
            )
        return kind(text)

    return parse


def _no_constants(name: str) -> Any:
    raise JsonLimitError(f"{name} is not a JSON number")


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An ``object_pairs_hook`` that refuses a key given twice in one object."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonLimitError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


#: Keyword arguments for ``json.loads``/``json.JSONDecoder`` applying the limits
#: (depth aside, which :func:`check_depth` checks beforehand).
DECODER_OPTIONS: dict[str, Any] = {
    "object_pairs_hook": unique_keys,
    "parse_int": _number(int),
    "parse_float": _number(float),
    "parse_constant": _no_constants,
}


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON with the limits; :class:`JsonLimitError` or ``ValueError`` if it is bad."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    check_depth(text, max_depth)
    return json.loads(text, **DECODER_OPTIONS)
