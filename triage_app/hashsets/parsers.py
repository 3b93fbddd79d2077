"""Entry points: parse a hash list of any supported format, or fingerprint it."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

from triage_app.hashsets.collect import Collector
from triage_app.hashsets.detect import Sniffed, sniff
from triage_app.hashsets.formats_csv import parse_product_csv
from triage_app.hashsets.formats_icse_nsrl import parse_icse, parse_nsrl
from triage_app.hashsets.formats_plain import parse_plain
from triage_app.hashsets.formats_vics import VicsParser
from triage_app.hashsets.model import HashEntry, HashListError, ParseReport
from triage_app.hashsets.normalise import open_text


def parse(path: Path, fmt: str = "auto", report: ParseReport | None = None) -> Iterator[HashEntry]:
    """Stream the entries of a hash list, in file order, in bounded memory.

    ``fmt`` is ``"auto"`` (decide from the content) or one of ``csv``, ``vics``,
    ``icse``, ``plain``, ``nsrl``. The file is sniffed at once, so an unreadable
    or unrecognised file raises here; the entries are read as they are iterated.
    ``report`` (reset first) is filled in while iterating: counts, rejected lines,
    warnings, and the fingerprint once the iteration is finished. Call
    :func:`check_usable` on it before trusting the list.

    Raises:
        HashListError: at once if the file cannot be read or recognised; while
            iterating if it turns out to be unusable (a bad CSV header, JSON that
            cannot be walked, an I/O error).
    """
    path = Path(path)
    sniffed = sniff(path, fmt)
    if report is None:
        report = ParseReport()
    _reset(report, path, sniffed)
    return _entries(path, sniffed, report)


def fingerprint(path: Path, fmt: str = "auto") -> str:
    """The content fingerprint of a hash list, independent of its encoding.

    It is the SHA-256 (hex) of one canonical line per accepted entry, in file
    order: ``md5|sha1|sha256|phash|dhash|category`` and a newline, each hash as
    lower-case hex or empty, the category as normalised (empty if none), UTF-8.
    Excluded hashes, rejected lines, names, notes, PhotoDNA and extra hashes do
    not count. So the same list saved with another encoding, BOM, line ending,
    letter case, quoting or surrounding whitespace has the same fingerprint,
    and so does the same content in another format. (The SHA-256 of the file's
    bytes identifies the exact file and is computed separately.)
    """
    report = ParseReport()
    collections.deque(parse(path, fmt, report), maxlen=0)
    if report.fingerprint is None:  # pragma: no cover - finish() always sets it
        raise RuntimeError("parse finished without a fingerprint")
    return report.fingerprint


def _reset(report: ParseReport, path: Path, sniffed: Sniffed) -> None:
    fresh = ParseReport(format=sniffed.format, source=path.name, encoding=sniffed.encoding.label)
    for name in ParseReport.__slots__:
        setattr(report, name, getattr(fresh, name))
    if sniffed.encoding.warning:
        report.add_warning(sniffed.encoding.warning)


def _entries(path: Path, sniffed: Sniffed, report: ParseReport) -> Iterator[HashEntry]:
    collector = Collector(report)
    fmt = sniffed.format
    newline = None if fmt in ("plain", "vics") else ""
    with open_text(path, sniffed.encoding, newline) as stream:
        try:
            if fmt == "plain":
                yield from parse_plain(stream, collector)
            elif fmt == "csv":
                yield from parse_product_csv(stream, sniffed.delimiter, collector)
            elif fmt == "icse":
                yield from parse_icse(stream, collector)
            elif fmt == "nsrl":
                yield from parse_nsrl(stream, collector)
            else:
                yield from VicsParser(stream, collector).entries()
        except OSError as exc:
            raise HashListError(f"reading {path.name} failed: {exc.strerror or exc}") from exc
    collector.finish()
