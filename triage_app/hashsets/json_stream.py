"""An incremental reader of a JSON text: walk objects and arrays, decode one value at a time.

A VICS export can run to gigabytes, so it is never loaded whole: the reader
keeps a sliding text buffer, walks the structure key by key and element by
element, and decodes what it is asked for with ``json.JSONDecoder.raw_decode``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Final, NoReturn, TextIO

from triage_app.domain.safe_json import DECODER_OPTIONS, JsonLimitError
from triage_app.hashsets.model import HashListError

#: Characters read from the file at a time.
CHUNK = 1024 * 1024
#: Largest single value (a key included); larger ones stop the parse.
RECORD_CAP = 64 * 1024 * 1024

# The C string scanner behind json.loads (not in the type stubs).
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WS = re.compile(r"[ \t\n\r]*")
_WS_CHARS = " \t\n\r"
_NUMBER_CHARS = "0123456789.eE+-"


class _TooBig:
    """Marker: the value did not fit in the allowed size."""


TOO_BIG: Final = _TooBig()


class JsonStream:
    """A sliding window over a JSON text with just enough operations to walk it."""

    def __init__(self, stream: TextIO, source: str, chunk: int | None = None) -> None:
        self._stream = stream
        self._source = source
        self._chunk = CHUNK if chunk is None else chunk
        # Repeated keys, absurd numbers and NaN/Infinity are refused, with their place.
        self._decoder = json.JSONDecoder(**DECODER_OPTIONS)
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
            except RecursionError:
                self.fail("a value is nested too deeply")
            except JsonLimitError as exc:
                self.fail(str(exc))
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

    def _members(self, opening: str, closing: str) -> Iterator[None]:
        """Step over ``opening``, then stop before each comma-separated member until ``closing``."""
        self.expect(opening)
        first = True
        while True:
            char = self.peek()
            if char == closing:
                self.pos += 1
                return
            if not first:
                if char != ",":
                    self.fail(f"expected ',' or {closing!r}, found {self.found()}")
                self.pos += 1
            first = False
            yield None

    def object_keys(self) -> Iterator[str]:
        """Keys of the object at the current position; read each value before the next key.

        A key given twice in the object stops the parse: which value counts would be a guess.
        """
        seen: set[str] = set()
        for _ in self._members("{", "}"):
            start = self.pos
            key = self.key()
            if key in seen:
                self.fail(f"the key {key!r} appears twice in one object", start)
            seen.add(key)
            self.expect(":")
            yield key

    def array_elements(self) -> Iterator[None]:
        """Step through the array at the current position; read each element in turn."""
        for _ in self._members("[", "]"):
            if not self.peek():
                self.fail("unexpected end of file inside an array")
            yield None
