"""Project VIC (VICS) JSON, data models 1.3 and 2.0, read incrementally.

The top-level object and its ``value`` array (and a Case's ``Media`` array)
are walked by :class:`~triage_app.hashsets.json_stream.JsonStream`, which
decodes one record at a time, so a file of gigabytes is never held whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

import triage_app.hashsets.pdq_fields as pdq_fields
from triage_app.hashsets.collect import Collector
from triage_app.hashsets.json_stream import RECORD_CAP, TOO_BIG, JsonStream
from triage_app.hashsets.model import HashEntry, HashListError
from triage_app.hashsets.normalise import (
    HASH_STRIP,
    BadRecord,
    clean_text,
    hex_cell,
    is_hex,
    normalise_category,
)

#: A top-level ``value`` item larger than this is walked key by key (a big Case), so
#: the buffer and the objects of a failed whole-item decode stay small.
ITEM_CAP = 256 * 1024

_V20 = re.compile(r"/2\.0\.xml/(US|UK|CUSTOM)/\$metadata#(Cases|Media)\b", re.IGNORECASE)
_V13 = re.compile(r"/1\.3\.xml#(Cases|Media)\b", re.IGNORECASE)
_CONTEXT_KEYS = ("@odata.context", "odata.metadata")
#: Where an alternative hash goes: index into (md5, sha1, sha256, phash, dhash), or extra.
_SLOTS = {"md5": 0, "sha1": 1, "sha256": 2, "phash": 3, "dhash": 4}
_SLOT_DIGITS = (32, 40, 64, 16, 16)
_EXTRA = 5
_UNNAMED = -1
_ALT_NAMES_KEPT = 1000


def _json_hash(value: object, length: int, label: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{label}: expected a string, found {type(value).__name__}")
    return hex_cell(value, length, label)


def _json_category(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadRecord(f"Category: expected a code, found {str(value).lower()}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        raise BadRecord(f"Category: {value} is not a whole number")
    if isinstance(value, str):
        return normalise_category(value)
    raise BadRecord(f"Category: expected a code, found {type(value).__name__}")


def _json_text(value: object) -> str | None:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _sort_alternative(name: str) -> tuple[str, int, str]:
    """(extra key, slot, label) for an AlternativeHashes ``HashName``."""
    label = name.strip()
    key = " ".join(label.lower().split())
    if not key:
        return key, _UNNAMED, label
    kind = key.replace("-", "").replace("_", "").replace(" ", "")
    key = pdq_fields.ALIASES.get(key, key)
    return key, _SLOTS.get(kind, _EXTRA), label


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:400]


class VicsParser:
    """Walks a VICS export and turns each Media record into an entry."""

    def __init__(self, stream: TextIO, collector: Collector, chunk: int | None = None) -> None:
        self._js = JsonStream(stream, collector.report.source, chunk)
        self._collector = collector
        self._record = 0
        self._root: str | None = None
        self._saw_case = False
        self._saw_top_media = False
        self._notes: dict[str, int] = {}
        self._alt_names: dict[str, tuple[str, int, str]] = {}

    def _note(self, message: str) -> None:
        self._notes[message] = self._notes.get(message, 0) + 1

    def entries(self) -> Iterator[HashEntry]:
        """Yield the entries of every Media record, in file order."""
        js = self._js
        report = self._collector.report
        if js.peek() != "{":
            js.fail(f"expected a JSON object, found {js.found()}")
        found_value = found_context = False
        for key in js.object_keys():
            if key == "value":
                if js.peek() != "[":
                    js.fail(f"'value' is not an array (found {js.found()})")
                found_value = True
                yield from self._top_items()
            elif key in _CONTEXT_KEYS:
                found_context = True
                context = js.value(RECORD_CAP)
                self._context(context)
            elif js.value(RECORD_CAP) is TOO_BIG:
                js.fail(f"value of {key!r} is larger than {RECORD_CAP} characters")
        if js.peek():
            report.add_warning(f"data after the end of the JSON object ignored ({js.found()})")
        if not found_value:
            raise HashListError(f"{report.source}: VICS JSON without a 'value' array")
        if not found_context:
            report.add_warning(
                "no @odata.context or odata.metadata: not a recognised VICS export, read anyway"
            )
        if self._root == "Media" and self._saw_case:
            report.add_warning("the context says Media but the file holds Case records")
        if self._root == "Cases" and self._saw_top_media:
            report.add_warning("the context says Cases but the file holds top-level Media records")
        for message, count in self._notes.items():
            report.add_warning(f"{count} media record(s): {message}")

    def _context(self, context: object) -> None:
        report = self._collector.report
        if not isinstance(context, str):
            report.add_warning(f"VICS context is not a string: {_dump(context)[:120]}")
            return
        match = _V20.search(context)
        if match is not None:
            report.format_version = "2.0"
            report.profile = match.group(1).upper()
        else:
            match = _V13.search(context)
            if match is not None:
                report.format_version = "1.3"
        if match is None:
            report.add_warning(f"unrecognised VICS context {context[:160]!r}; read as VICS anyway")
            return
        self._root = "Cases" if match.group(match.lastindex or 1).lower() == "cases" else "Media"

    def _top_items(self) -> Iterator[HashEntry]:
        js = self._js
        for _ in js.array_elements():
            if self._root == "Cases" and js.peek() == "{":
                yield from self._walk_item()
                continue
            item = js.value(ITEM_CAP)
            if item is TOO_BIG:
                yield from self._walk_item()
            elif isinstance(item, dict) and "Media" in item:
                self._saw_case = True
                media = item["Media"]
                if isinstance(media, list):
                    for record in media:
                        entry = self._media(record)
                        if entry is not None:
                            yield entry
                elif media is not None:
                    self._note("Case 'Media' is not an array, skipped")
            else:
                self._saw_top_media = True
                entry = self._media(item)
                if entry is not None:
                    yield entry

    def _walk_item(self) -> Iterator[HashEntry]:
        """A top-level item too big to decode at once: walk its keys (a Case's Media)."""
        js = self._js
        if js.peek() != "{":
            js.fail(f"value item larger than {ITEM_CAP} characters is not an object")
        fields: dict[str, Any] = {}
        is_case = False
        for key in js.object_keys():
            if key == "Media":
                is_case = True
                if js.peek() != "[":
                    if js.value(RECORD_CAP) is not None:
                        self._note("Case 'Media' is not an array, skipped")
                    continue
                for _ in js.array_elements():
                    record = js.value(RECORD_CAP)
                    if record is TOO_BIG:
                        js.fail(f"media record larger than {RECORD_CAP} characters")
                    entry = self._media(record)
                    if entry is not None:
                        yield entry
            else:
                value = js.value(RECORD_CAP)
                if value is TOO_BIG:
                    js.fail(f"value of {key!r} is larger than {RECORD_CAP} characters")
                if not is_case:
                    fields[key] = value
        if is_case:
            self._saw_case = True
        else:
            self._saw_top_media = True
            entry = self._media(fields)
            if entry is not None:
                yield entry

    def _text_of(self, record: object) -> str:
        return f"near line {self._js.line_at(self._js.value_start)}: {_dump(record)}"

    def _media(self, record: object) -> HashEntry | None:
        self._record += 1
        number = self._record
        collector = self._collector
        if not isinstance(record, dict):
            collector.reject(
                number, "media record is not a JSON object", lambda: self._text_of(record)
            )
            return None
        try:
            md5 = _json_hash(record.get("MD5"), 32, "MD5")
            sha1 = _json_hash(record.get("SHA1"), 40, "SHA1")
            sha256 = _json_hash(record.get("SHA256"), 64, "SHA256")
            category = _json_category(record.get("Category"))
            hashes = [md5, sha1, sha256, None, None]
            extra: dict[str, str] | None = None
            alternatives = record.get("AlternativeHashes")
            if alternatives:
                extra = self._alternatives(alternatives, hashes)
            md5, sha1, sha256, phash, dhash = hashes
            name = _json_text(record.get("FileName"))
            files = record.get("MediaFiles")
            if (name is None or md5 is None) and isinstance(files, list):
                for item in files:
                    if not isinstance(item, dict):
                        continue
                    if name is None:
                        name = _json_text(item.get("FileName")) or _json_text(item.get("FilePath"))
                    if md5 is None:
                        md5 = _json_hash(item.get("MD5"), 32, "MediaFiles MD5")
            if name is None:
                name = _json_text(record.get("RelativeFilePath"))
        except BadRecord as bad:
            collector.reject(number, bad.reason, lambda: self._text_of(record))
            return None
        return collector.accept(
            number,
            lambda: self._text_of(record),
            md5,
            sha1,
            sha256,
            phash,
            dhash,
            category,
            name,
            _json_text(record.get("Comments")),
            _json_text(record.get("PhotoDNA")),
            extra,
        )

    def _alternatives(
        self, alternatives: object, hashes: list[str | None]
    ) -> dict[str, str] | None:
        """Sort ``AlternativeHashes`` into ``hashes`` (md5 sha1 sha256 phash dhash) and extra."""
        if not isinstance(alternatives, list):
            self._note("AlternativeHashes is not an array, ignored")
            return None
        extra: dict[str, str] = {}
        for alt in alternatives:
            if not isinstance(alt, dict):
                self._note("an AlternativeHashes item is not an object, ignored")
                continue
            name, value = alt.get("HashName"), alt.get("HashValue")
            if not isinstance(name, str) or not isinstance(value, str):
                self._note("an alternative hash without HashName or HashValue, ignored")
                continue
            sort = self._alt_names.get(name)
            if sort is None:
                sort = _sort_alternative(name)
                if len(self._alt_names) < _ALT_NAMES_KEPT:
                    self._alt_names[name] = sort
            key, slot, label = sort
            if slot < 0:
                self._note("an alternative hash without HashName or HashValue, ignored")
                continue
            value = value.strip(HASH_STRIP)
            if not value:
                continue
            lower = value.lower()
            if slot in (3, 4):  # pHash / dHash
                if len(lower) != 16 or not is_hex(lower):
                    self._note(f"{label} not 16 hex digits: kept in extra, never matched")
                    extra.setdefault(key, value)
                elif hashes[slot] is None:
                    hashes[slot] = lower
                elif hashes[slot] != lower:
                    self._note(f"a second, different {label}: kept in extra")
                    extra.setdefault(f"{key} (2)", lower)
            elif slot < _EXTRA:  # MD5 / SHA-1 / SHA-256
                checked = hex_cell(value, _SLOT_DIGITS[slot], f"AlternativeHashes {label}")
                if hashes[slot] is None:
                    hashes[slot] = checked
                elif hashes[slot] != checked:
                    raise BadRecord(
                        f"AlternativeHashes {label} {checked} disagrees with {hashes[slot]}"
                    )
            else:
                extra.setdefault(key, lower if is_hex(lower) else value)
        return extra or None
