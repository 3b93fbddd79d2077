"""The gallery's search box as a row predicate (no Qt here).

A search is words ANDed together; each word is one of:

- ``#123``: the item with that id;
- a hex digest prefix of at least :data:`MIN_HASH_PREFIX` digits: an item whose
  SHA-256, SHA-1 or MD5 starts with it (or whose path contains it, as any word);
- a field term ``field:value``: ``ext:`` (extensions, ``ext:jpg,png``), ``exhibit:``,
  ``name:`` and ``path:`` (substrings), ``hash:``/``sha256:``/``sha1:``/``md5:``
  (digest prefixes), ``type:`` (media type), ``grade:`` (category, or ``none``),
  ``match:`` (``exact``, ``near``, ``ignorable`` or ``none``), ``id:`` (an item id),
  ``tag:`` (an examiner's tag, or ``none``);
- anything else: a case-insensitive substring of the path (file name included).

``-word`` excludes what ``word`` matches; ``"two words"`` is one word. Unknown
fields (``c:``, ``12:30``) are searched as plain text, so a path with a colon is
still found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from triage_app.review.gallery_rows import Filter, GalleryRow

#: The fewest hex digits a bare word needs to be taken as a digest prefix.
MIN_HASH_PREFIX = 6

_WORD = re.compile(r'(-?)(?:(\w+):"([^"]*)"?|"([^"]*)"?|(\S+))')
_HEX = re.compile(r"[0-9a-f]+")
_ID = re.compile(r"#(\d+)")
_FIELD = re.compile(r"(\w+):(.*)")


def _everything(_row: GalleryRow) -> bool:
    return True


def combine(*predicates: Filter | None) -> Filter:
    """All of ``predicates`` (None ones left out); everything when none is left."""
    present = [p for p in predicates if p is not None]
    if not present:
        return _everything
    if len(present) == 1:
        return present[0]
    if len(present) == 2:
        a, b = present
        return lambda row: a(row) and b(row)
    return lambda row: all(p(row) for p in present)


def _path_contains(needle: str) -> Filter:
    return lambda row: needle in row.path.lower()


def _name_contains(needle: str) -> Filter:
    return lambda row: needle in row.name.lower()


def _digest_prefix(prefix: str, names: tuple[str, ...]) -> Filter:
    def match(row: GalleryRow) -> bool:
        for name in names:
            digest: str | None = getattr(row, name)
            if digest is not None and digest.lower().startswith(prefix):
                return True
        return False

    return match


_DIGESTS = ("sha256", "sha1", "md5")


def _item_id(value: str) -> Filter | None:
    if not value.isdigit():
        return None
    wanted = int(value)
    return lambda row: row.item_id == wanted


def _extension(value: str) -> Filter:
    wanted = {e.strip().lstrip(".") for e in value.split(",") if e.strip().lstrip(".")}

    def match(row: GalleryRow) -> bool:
        name = row.name
        return "." in name and name.rpartition(".")[2].lower() in wanted

    return match


def _exhibit(value: str) -> Filter:
    return lambda row: row.exhibit.lower() == value


def _media_type(value: str) -> Filter:
    return lambda row: (row.media_type or "").lower() == value


def _none_or(value: str, get: Callable[[GalleryRow], str | None]) -> Filter:
    if value in ("none", "-"):
        return lambda row: get(row) is None
    return lambda row: (get(row) or "").lower() == value


def _field(name: str, value: str) -> Filter | None:
    """The predicate of ``name:value`` (lower-cased), or None for an unknown field."""
    if name == "ext":
        return _extension(value)
    if name == "exhibit":
        return _exhibit(value)
    if name == "name":
        return _name_contains(value)
    if name == "path":
        return _path_contains(value)
    if name == "hash":
        return _digest_prefix(value, _DIGESTS)
    if name in _DIGESTS:
        return _digest_prefix(value, (name,))
    if name == "type":
        return _media_type(value)
    if name == "grade":
        return _none_or(value, lambda row: row.grade)
    if name == "match":
        return _none_or(value, lambda row: row.match_kind)
    if name == "id":
        return _item_id(value.lstrip("#"))
    if name == "tag":
        return _tag(value)
    return None


def _tag(value: str) -> Filter:
    if value in ("none", "-"):
        return lambda row: not row.tags
    return lambda row: any(t.lower() == value for t in row.tags)


def _plain(word: str) -> Filter:
    """A word without a known field: an item id, a digest prefix, or path text."""
    found = _ID.fullmatch(word)
    if found:
        wanted = int(found.group(1))
        return lambda row: row.item_id == wanted
    path = _path_contains(word)
    if len(word) >= MIN_HASH_PREFIX and _HEX.fullmatch(word):
        digest = _digest_prefix(word, _DIGESTS)
        return lambda row: digest(row) or path(row)
    return path


_FIELDS_TAKING_VALUE = frozenset(
    {"ext", "exhibit", "name", "path", "hash", "sha256", "sha1", "md5", "type", "grade",
     "match", "id", "tag"}
)  # fmt: skip


def _term(field: str | None, value: str) -> Filter | None:
    """One search word's predicate (None for a word that says nothing, e.g. ``ext:``)."""
    if field is not None:
        known = _field(field.lower(), value.lower()) if value else None
        if known is not None or field.lower() in _FIELDS_TAKING_VALUE:
            return known  # a known field without a value yet ("ext:") says nothing
        value = f"{field}:{value}"
    return _plain(value.lower()) if value else None


def _negated(predicate: Filter) -> Filter:
    return lambda row: not predicate(row)


def parse_terms(text: str) -> list[tuple[bool, str | None, str]]:
    """The words of a search: (excluded, field or None, value), values not lower-cased."""
    terms: list[tuple[bool, str | None, str]] = []
    for m in _WORD.finditer(text):
        minus, quoted_field, quoted_value, phrase, bare = m.groups()
        excluded = minus == "-"
        if quoted_field is not None:
            terms.append((excluded, quoted_field, quoted_value))
        elif phrase is not None:
            terms.append((excluded, None, phrase))
        elif bare:
            field = _FIELD.fullmatch(bare)
            if field and not bare.startswith("#"):
                terms.append((excluded, field.group(1), field.group(2)))
            else:
                terms.append((excluded, None, bare))
    return terms


def search_predicate(text: str) -> Filter | None:
    """The rows a search box's ``text`` asks for, or None when it asks for nothing."""
    predicates: list[Filter] = []
    for excluded, field, value in parse_terms(text):
        predicate = _term(field, value)
        if predicate is not None:
            predicates.append(_negated(predicate) if excluded else predicate)
    if not predicates:
        return None
    return combine(*predicates)
