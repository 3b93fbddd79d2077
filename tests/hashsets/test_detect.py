"""Formats are recognised from content, never the file name; unusable files are refused."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from hashsets.helpers import (
    hexstr,
    icse_csv,
    load,
    nsrl_txt,
    product_csv,
    vics_corpus,
    vics_document,
    write,
)
from triage_app.domain.errors import TriageError
from triage_app.hashsets import FORMATS, HashListError, detect_format, parse


def _plain_sample(rnd: random.Random) -> str:
    return f"{hexstr(rnd, 32)}\n{hexstr(rnd, 40)},1\n"


def _csv_sample(rnd: random.Random) -> str:
    return product_csv([{"md5": hexstr(rnd, 32), "category": "A"}], ["md5", "category"])


def _icse_sample(rnd: random.Random) -> str:
    return icse_csv([{"MD5": hexstr(rnd, 32), "SHA1": hexstr(rnd, 40)}])


def _nsrl_sample(rnd: random.Random) -> str:
    return nsrl_txt(
        [[hexstr(rnd, 40).upper(), hexstr(rnd, 32).upper(), "ABCD1234", "a.dll", 1, 2, "WIN", ""]]
    )


def _vics_sample(rnd: random.Random) -> str:
    media, _ = vics_corpus(rnd.randrange(1000), 2)
    return json.dumps(vics_document(media))


SAMPLES: dict[str, Callable[[random.Random], str]] = {
    "plain": _plain_sample,
    "csv": _csv_sample,
    "icse": _icse_sample,
    "nsrl": _nsrl_sample,
    "vics": _vics_sample,
}


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@pytest.mark.parametrize("file_name", ["list.txt", "list.json", "NSRLFile.txt", "noext"])
def test_format_is_detected_from_content_not_name(tmp_path: Path, fmt: str, file_name: str) -> None:
    path = write(tmp_path / file_name, SAMPLES[fmt](random.Random(1)))
    assert detect_format(path) == fmt
    entries, report = load(path)
    assert report.format == fmt
    assert entries


def test_formats_constant_lists_every_format() -> None:
    assert sorted(FORMATS) == sorted(SAMPLES)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\r\n\t\n", "is empty"),
        (b"hello world\nthis is not a hash list\n", "unrecognised hash-list format"),
        (b"12345\n", "unrecognised hash-list format"),
        (b'{"foo": [1, 2, 3]}', "not a VICS export"),
        (b"[1, 2, 3]", "not a VICS export"),
        (b"SQLite format 3\x00" + bytes(100), "SQLite"),
        (gzip.compress(b"d41d8cd98f00b204e9800998ecf8427e\n"), "gzip"),
        (b"PK\x03\x04" + bytes(30), "ZIP"),
    ],
)
def test_unknown_or_unusable_files_are_refused_with_a_clear_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    with pytest.raises(HashListError, match=message):
        detect_format(path)
    with pytest.raises(HashListError, match=message):
        parse(path)  # refused at once, before iteration


def test_missing_file_and_unknown_format_name(tmp_path: Path) -> None:
    with pytest.raises(HashListError, match="cannot read hash list"):
        detect_format(tmp_path / "absent.txt")
    path = write(tmp_path / "l.txt", _plain_sample(random.Random(2)))
    with pytest.raises(HashListError, match="unknown hash-list format 'xml'"):
        parse(path, "xml")
    assert issubclass(HashListError, TriageError)


def test_explicit_format_overrides_detection(tmp_path: Path) -> None:
    rnd = random.Random(3)
    path = write(tmp_path / "l.csv", product_csv([{"md5": hexstr(rnd, 32)}], ["md5"]))
    assert detect_format(path) == "csv"
    entries, report = load(path, "plain")
    assert report.format == "plain"
    # "md5" on its own is a header word for a plain list too: skipped with a warning
    assert len(entries) == 1
    assert any("header line skipped" in w for w in report.warnings)
