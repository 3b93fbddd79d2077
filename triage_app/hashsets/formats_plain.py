"""Plain hash lists: one MD5, SHA-1 or SHA-256 per line, optionally ``,category``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

from triage_app.hashsets.collect import Collector
from triage_app.hashsets.model import HashEntry
from triage_app.hashsets.normalise import (
    HASH_STRIP,
    HEX_RE,
    LINE_LIMIT,
    bounded_lines,
    drain_line,
    explain_bad_hex,
    normalise_category,
)

#: Words a plain list may carry as a header line (first data line only).
PLAIN_HEADER_WORDS = frozenset(
    {"hash", "hashes", "hash value", "md5", "sha1", "sha-1", "sha256", "sha-256", "value"}
)
_CATEGORY_WORDS = frozenset({"category", "cat", "grade", "class"})
_INLINE_COMMENT_RE = re.compile(r"\s#.*")
_DIGEST_SIZES = (32, 40, 64)


def split_plain(line: str) -> list[str]:
    """Split a stripped, comment-free line on its separator (comma, tab or semicolon)."""
    if "," in line:
        return line.split(",")
    if "\t" in line:
        return line.split("\t")
    if ";" in line:
        return line.split(";")
    return [line]


def strip_comment(line: str) -> str:
    """Remove a ``#`` comment that follows whitespace (``hash  # note``)."""
    return _INLINE_COMMENT_RE.sub("", line).rstrip()


def is_plain_header(fields: list[str]) -> bool:
    """True for a header line such as ``hash`` or ``md5,category``."""
    words = [f.strip(HASH_STRIP).lower() for f in fields]
    if not words or words[0] not in PLAIN_HEADER_WORDS:
        return False
    return all(w in _CATEGORY_WORDS or not w for w in words[1:])


def parse_plain(stream: TextIO, collector: Collector) -> Iterator[HashEntry]:
    """Yield the entries of a plain list; bad lines are rejected by number."""
    lineno = 0
    first_data = True
    accept = collector.accept
    for raw in bounded_lines(stream):
        lineno += 1
        if len(raw) >= LINE_LIMIT and raw[-1] != "\n":
            drain_line(stream)
            collector.reject(lineno, f"line longer than {LINE_LIMIT} characters", raw[:200])
            continue
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        if "#" in line:
            line = strip_comment(line)
        # split_plain(), inlined: this loop runs once per line of lists with 10^7 lines
        if "," in line:
            fields = line.split(",")
        elif "\t" in line:
            fields = line.split("\t")
        elif ";" in line:
            fields = line.split(";")
        else:
            fields = [line]
        if first_data:
            first_data = False
            if is_plain_header(fields):
                collector.report.add_warning(f"line {lineno}: header line skipped")
                continue
        value = fields[0].strip(HASH_STRIP).lower()
        size = len(value)
        if size not in _DIGEST_SIZES or not HEX_RE.fullmatch(value):
            reason = (
                explain_bad_hex("hash", value, _DIGEST_SIZES)
                if value
                else "no hash before the separator"
            )
            collector.reject(lineno, reason, raw)
            continue
        category = None
        if len(fields) > 1:
            if len(fields) > 2 and any(f.strip() for f in fields[2:]):
                collector.reject(
                    lineno, f"too many fields ({len(fields)}; expected hash[,category])", raw
                )
                continue
            category = normalise_category(fields[1])
        if size == 32:
            entry = accept(lineno, raw, value, None, None, None, None, category)
        elif size == 40:
            entry = accept(lineno, raw, None, value, None, None, None, category)
        else:
            entry = accept(lineno, raw, None, None, value, None, None, category)
        if entry is not None:
            yield entry
