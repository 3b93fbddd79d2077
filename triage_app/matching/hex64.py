"""One 64-bit hash as hex text or as the signed integer SQL stores (pure Python).

Arrays of them (numpy): :mod:`triage_app.matching.hexcodec`.
"""

from __future__ import annotations

from typing import Final

#: Hex digits of a 64-bit hash as ``str(imagehash)`` prints it.
HEX64_DIGITS: Final = 16
_LIMIT: Final = 1 << 64
_SIGN: Final = 1 << 63
_MASK: Final = _LIMIT - 1


def parse_hex64(value: object, *, exact_digits: bool = False) -> int | None:
    """The 64-bit value of hex text, or None when it is not one.

    Takes what ``int(value, 16)`` takes (upper or lower case, a ``0x`` prefix,
    surrounding whitespace) within ``[0, 2**64)``; with ``exact_digits`` only
    strings of exactly 16 characters. Anything else, empty strings and
    non-strings included, gives None.
    """
    if not isinstance(value, str) or not value:
        return None
    if exact_digits and len(value) != HEX64_DIGITS:
        return None
    try:
        number = int(value, 16)
    except ValueError:
        return None
    return number if 0 <= number < _LIMIT else None


def to_signed64(value: int) -> int:
    """A 64-bit hash as the signed integer SQL stores."""
    return value - _LIMIT if value >= _SIGN else value


def signed64_to_hex(value: int) -> str:
    """A hash stored as a signed 64-bit integer, as 16 lower-case hex digits."""
    return f"{value & _MASK:016x}"
