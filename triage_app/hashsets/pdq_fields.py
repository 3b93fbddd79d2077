"""PDQ in a hash list: where it is found and how it is checked.

PDQ and SHA-256 are both 64 hex digits, so a value is never taken for one or
the other by its look: PDQ comes only from a column or hash name that says
PDQ (``pdq``, ``pdq_hash``, ``PDQ`` in VICS ``AlternativeHashes``), with its
quality from ``pdq_quality`` when the list gives one. Parsers put both in an
entry's ``extra``; :func:`settle` checks them for every format alike.
"""

from __future__ import annotations

from typing import Final

from triage_app.hashsets.normalise import is_hex

#: ``extra`` keys of an entry's PDQ hash and its quality.
PDQ: Final = "pdq"
PDQ_QUALITY: Final = "pdq_quality"
#: Other spellings of the names (lower case, as headers and hash names are compared).
ALIASES: Final = {
    "pdq hash": PDQ,
    "pdq_hash": PDQ,
    "pdqhash": PDQ,
    "pdq-hash": PDQ,
    "pdq quality": PDQ_QUALITY,
    "pdq-quality": PDQ_QUALITY,
    "pdqquality": PDQ_QUALITY,
}
PDQ_DIGITS: Final = 64


def settle(extra: dict[str, str]) -> list[str]:
    """Check an entry's PDQ fields in place; return what was wrong (one phrase each).

    A PDQ that is not 64 hex digits is moved to ``"pdq (unusable)"`` (kept,
    never matched); a quality that is not a whole number 0-100 is dropped.
    """
    problems: list[str] = []
    value = extra.get(PDQ)
    if value is not None and (len(value) != PDQ_DIGITS or not is_hex(value)):
        extra["pdq (unusable)"] = extra.pop(PDQ)
        problems.append("PDQ not 64 hex digits: kept, never matched")
    quality = extra.get(PDQ_QUALITY)
    if quality is not None:
        text = quality.strip()
        if not text.isdigit() or int(text) > 100:
            del extra[PDQ_QUALITY]
            problems.append("PDQ quality not a whole number 0-100: ignored")
        else:
            extra[PDQ_QUALITY] = str(int(text))
    return problems


def quality_of(extra: dict[str, str]) -> int | None:
    """The entry's PDQ quality, if the list gave one (after :func:`settle`)."""
    value = extra.get(PDQ_QUALITY)
    return int(value) if value is not None else None
