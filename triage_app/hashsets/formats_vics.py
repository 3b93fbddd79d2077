"""Project VIC (VICS) JSON, data models 1.3 and 2.0, read incrementally.

A VICS export can run to gigabytes, so the file is never loaded whole. A small
streaming reader walks the top-level object and the ``value`` array (and a
Case's ``Media`` array) and decodes one record at a time with
``json.JSONDecoder.raw_decode`` over a sliding text buffer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Final, NoReturn, TextIO

from triage_app.hashsets.collect import Collector
from triage_app.hashsets.model import HashEntry, HashListError
from triage_app.hashsets.normalise import (
    HASH_STRIP,
    BadRecord,
    clean_text,
    hex_cell,
    is_hex,
    normalise_category,
)

#: Characters read from the file at a time.
CHUNK = 1024 * 1024
#: A top-level ``value`` item larger than this is walked key by key (a big Case), so
#: the buffer and the objects of a failed whole-item decode stay small.
ITEM_CAP = 256 * 1024
#: Largest single media record or other value; larger ones stop the parse.
RECORD_CAP = 64 * 1024 * 1024

# The C string scanner behind json.loads (not in the type stubs).
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WS = re.compile(r"[ \t\n\r]*")
_WS_CHARS = " \t\n\r"
_V20 = re.compile(r"/2\.0\.xml/(US|UK|CUSTOM)/\$metadata#(Cases|Media)\b", re.IGNORECASE)
_V13 = re.compile(r"/1\.3\.xml#(Cases|Media)\b", re.IGNORECASE)
_NUMBER_CHARS = "0123456789.eE+-"
_CONTEXT_KEYS = ("@odata.context", "odata.metadata")
#: Where an alternative hash goes: index into (md5, sha1, sha256, phash, dhash), or extra.
_SLOTS = {"md5": 0, "sha1": 1, "sha256": 2, "phash": 3, "dhash": 4}
_SLOT_DIGITS = (32, 40, 64, 16, 16)
_EXTRA = 5
_UNNAMED = -1
_ALT_NAMES_KEPT = 1000


class _TooBig:
    """Marker: the value did not fit in the allowed size."""


TOO_BIG: Final = _TooBig()


class JsonStream:
    """A sliding window over a JSON text with just enough operations to walk it."""

    def __init__(self, stream: TextIO, source: str, chunk: int | None = None) -> None:
        self._stream = stream
        self._source = source
        self._chunk = CHUNK if chunk is None else chunk
        self._decoder = json.JSONDecoder()
        self._line_base = 1
        self.buf = ""
        self.pos = 0
        self.eof = False
        #: Where the value being (or last) decoded starts, kept valid across refills.
        self.value_start = 0

    def _fill(self, want: int = 0) -> bool:
        """Drop what has been consumed and read at least ``want`` more characters."""
        if self.pos:
            self._line_base += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos :]
            self.value_start = max(0, self.value_start - self.pos)
            self.pos = 0
        if self.eof:
            return False
        data = self._stream.read(max(want, self._chunk))
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def line_at(self, pos: int) -> int:
        """1-based line number of a position in the buffer."""
        return self._line_base + self.buf.count("\n", 0, pos)

    def fail(self, message: str, pos: int | None = None) -> NoReturn:
        """Stop: the file is not JSON we can walk."""
        where = self.line_at(self.pos if pos is None else min(pos, len(self.buf)))
        raise HashListError(f"{self._source}: not valid VICS JSON at line {where}: {message}")

    def peek(self) -> str:
        """Skip whitespace; return the next character, or ``""`` at the end of the file."""
        pos = self.pos
        if pos < len(self.buf):
            char = self.buf[pos]
            if char not in _WS_CHARS:
                return char
        while True:
            match = _WS.match(self.buf, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def found(self) -> str:
        """What is at the current position, for messages."""
        char = self.peek()
        return repr(self.buf[self.pos : self.pos + 20]) if char else "the end of the file"

    def expect(self, char: str) -> None:
        """Consume ``char`` (after whitespace) or fail."""
        if self.peek() != char:
            self.fail(f"expected {char!r}, found {self.found()}")
        self.pos += 1

    def key(self) -> str:
        """Read an object key (a JSON string)."""
        if self.peek() != '"':
            self.fail(f"expected a key, found {self.found()}")
        while True:
            try:
                text, end = _scanstring(self.buf, self.pos + 1, True)
            except json.JSONDecodeError as exc:
                if not exc.msg.startswith("Unterminated") or len(self.buf) - self.pos > RECORD_CAP:
                    self.fail(exc.msg, exc.pos)
                if not self._fill(len(self.buf) - self.pos):
                    self.fail(exc.msg, exc.pos)
                continue
            self.pos = end
            return text

    def value(self, cap: int) -> Any:
        """Decode the next value whole, or return :data:`TOO_BIG` if it exceeds ``cap``."""
        if not self.peek():
            self.fail("unexpected end of file")
        self.value_start = self.pos
        while True:
            try:
                value, end = self._decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated") or exc.pos >= len(self.buf) - 8
                if not cut or self.eof:
                    self.fail(exc.msg, exc.pos)
                if len(self.buf) - self.pos > cap:
                    return TOO_BIG
                self._fill(len(self.buf) - self.pos)
                continue
            if not self.eof and type(value) in (int, float):
                # A number cut by the end of the buffer ("12" of "125", "1." of "1.5")
                # decodes without error: if only number characters follow, read on.
                tail = self.buf[end : end + 64]
                if len(tail) < 64 and not tail.strip(_NUMBER_CHARS):
                    self._fill()
                    continue
            self.pos = end
            return value

    def object_keys(self) -> Iterator[str]:
        """Keys of the object at the current position; read each value before the next key."""
        self.expect("{")
        first = True
        while True:
            char = self.peek()
            if char == "}":
                self.pos += 1
                return
            if not first:
                if char != ",":
                    self.fail(f"expected ',' or '}}', found {self.found()}")
                self.pos += 1
            first = False
            key = self.key()
            self.expect(":")
            yield key

    def array_elements(self) -> Iterator[None]:
        """Step through the array at the current position; read each element in turn."""
        self.expect("[")
        first = True
        while True:
            char = self.peek()
            if char == "]":
                self.pos += 1
                return
            if not first:
                if char != ",":
                    self.fail(f"expected ',' or ']', found {self.found()}")
                self.pos += 1
            first = False
            if not self.peek():
                self.fail("unexpected end of file inside an array")
            yield None


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
