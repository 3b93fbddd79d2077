"""Reading delimited files: records with their line numbers, in bounded memory, and the header."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from triage_app.hashsets.collect import Collector
from triage_app.hashsets.normalise import HASH_STRIP, LINE_LIMIT, bounded_lines, drain_line


def header_name(cell: str) -> str:
    """Lower-case column name without quotes or surrounding whitespace."""
    return " ".join(cell.strip(HASH_STRIP).lower().split())


class CsvRows:
    """Records of a delimited file with their first line number, in bounded memory.

    Over-long lines are skipped (not held in memory) and reported; CSV syntax
    errors such as a field over the size limit reject that record and parsing
    goes on with the next line.
    """

    def __init__(self, stream: TextIO, delimiter: str, collector: Collector) -> None:
        self._stream = stream
        self._collector = collector
        collector.delimiter = delimiter
        self._overlong: list[int] = []
        self._reader = csv.reader(self._lines(), delimiter=delimiter)
        self._prev = 0

    def _lines(self) -> Iterator[str]:
        for number, raw in enumerate(bounded_lines(self._stream), 1):
            if len(raw) >= LINE_LIMIT and raw[-1] not in "\r\n":
                drain_line(self._stream)
                self._overlong.append(number)
                yield "\n"
            else:
                yield raw

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        overlong = self._overlong
        while True:
            try:
                for row in reader:
                    start = self._prev + 1
                    self._prev = reader.line_num
                    if overlong:
                        self._collector.reject(
                            start, f"line {overlong[0]} longer than {LINE_LIMIT} characters", ""
                        )
                        overlong.clear()
                        continue
                    yield start, row
                return
            except csv.Error as exc:
                start = self._prev + 1
                self._prev = reader.line_num
                overlong.clear()
                span = f" (lines {start}-{self._prev})" if self._prev > start else ""
                self._collector.reject(start, f"malformed CSV{span}: {exc}", "")


def is_blank(row: list[str]) -> bool:
    """True for a row of empty or whitespace-only cells."""
    return not "".join(row).strip()


def is_comment(row: list[str]) -> bool:
    """True for a row whose first cell starts a ``#`` comment."""
    return row[0].lstrip().startswith("#")


def read_header(rows: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]] | None:
    """Skip blank lines, ``#`` comments and an Excel ``sep=`` line; return the header row."""
    for start, row in rows:
        if not row or is_blank(row) or is_comment(row):
            continue
        if row[0].strip().lower().startswith("sep=") and is_blank(row[1:]):
            continue
        return start, row
    return None


def column_index(names: list[str], wanted: str) -> int:
    """Position of a column in the header, or -1 when it is absent."""
    return names.index(wanted) if wanted in names else -1
