"""Hash lists generated from random hex for the parser tests, and the checks every parse must pass.

No real hash list is used.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import random
import string
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from triage_app.hashsets import HashEntry, ParseReport, parse
from triage_app.hashsets.model import REJECTED_KEPT
from triage_app.hashsets.normalise import normalise_category

EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"


EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"


EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


EXCLUDED = {EMPTY_MD5, EMPTY_SHA1, EMPTY_SHA256, "0" * 16, "f" * 16}


ICSE_HEADER = (
    "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
    "Series name;Number of submissions;File Available;Media Type;Baseline"
)


NSRL_COLUMNS = [
    "SHA-1",
    "MD5",
    "CRC32",
    "FileName",
    "FileSize",
    "ProductCode",
    "OpSystemCode",
    "SpecialCode",
]


V13_CONTEXT = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media"


def v20_context(profile: str, root: str) -> str:
    return (
        f"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{profile}/$metadata#{root}"
    )


Key = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


def hexstr(rnd: random.Random, digits: int) -> str:
    """Random lower-case hex that is never one of the excluded values."""
    while True:
        value = f"{rnd.getrandbits(digits * 4):0{digits}x}"
        if value not in EXCLUDED:
            return value


def key(entry: HashEntry) -> Key:
    return (entry.md5, entry.sha1, entry.sha256, entry.phash, entry.dhash, entry.category)


def load(path: Path, fmt: str = "auto") -> tuple[list[HashEntry], ParseReport]:
    """Parse fully and check the accounting that every parse must satisfy."""
    report = ParseReport()
    entries = list(parse(path, fmt, report))
    assert report.complete
    assert report.loaded == len(entries)
    assert report.records == report.loaded + report.rejected_count + report.dropped
    assert len(report.rejected) == min(report.rejected_count, REJECTED_KEPT)
    assert report.fingerprint == canonical_fingerprint(entries)
    return entries, report


def canonical_fingerprint(entries: Iterable[HashEntry]) -> str:
    """The documented fingerprint, computed independently of the package."""
    digest = hashlib.sha256()
    for e in entries:
        fields = (e.md5, e.sha1, e.sha256, e.phash, e.dhash, e.category)
        pdq = e.extra.get("pdq")
        line = "|".join(f or "" for f in fields) + (f"|{pdq}" if pdq else "") + "\n"
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
}


def write(
    path: Path, text: str, *, encoding: str = "utf-8", bom: bool = False, newline: str = "\n"
) -> Path:
    """Write ``text`` (with ``\\n`` line ends) in a given encoding and line-ending style."""
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes((BOMS[encoding] if bom else b"") + data)
    return path


def csv_text(
    rows: Iterable[Sequence[object]], delimiter: str = ",", quote_all: bool = False
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator="\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return buffer.getvalue()


def product_csv(rows: Iterable[dict[str, str | None]], columns: Sequence[str]) -> str:
    return csv_text([list(columns), *([r.get(c) or "" for c in columns] for r in rows)])


def icse_csv(rows: Iterable[dict[str, str]]) -> str:
    names = ICSE_HEADER.split(";")
    lines = [ICSE_HEADER]
    lines += [";".join(r.get(n, "") for n in names) for r in rows]
    return "\n".join(lines) + "\n"


def nsrl_txt(rows: Iterable[Sequence[object]]) -> str:
    return csv_text([NSRL_COLUMNS, *rows], quote_all=True)


def vics_document(
    media: list[dict[str, Any]],
    *,
    version: str = "2.0",
    profile: str = "US",
    root: str = "Media",
    cases: int = 2,
    context_last: bool = False,
) -> dict[str, Any]:
    """A VICS export holding ``media`` (split over ``cases`` Case records for Case roots)."""
    if root == "Cases":
        size = max(1, -(-len(media) // cases))
        value: list[dict[str, Any]] = []
        for number, start in enumerate(range(0, max(len(media), 1), size), 1):
            part = media[start : start + size]
            value.append(
                {
                    "CaseID": f"00000000-0000-0000-0000-{number:012d}",
                    "CaseNumber": f"ABC/{number}",
                    "ContactName": "Test Examiner",
                    "ContactEmail": "examiner@example.invalid",
                    "SourceApplicationName": "test generator",
                    "SourceApplicationVersion": "1.0",
                    "TotalMediaFiles": str(len(part)),
                    "TotalPrecategorized": "0",
                    "Media": part,
                }
            )
    else:
        value = media
    if version == "1.3":
        head = {"odata.metadata": V13_CONTEXT}
    else:
        head = {"@odata.context": v20_context(profile, root)}
    if context_last:
        return {"value": value, **head}
    return {**head, "value": value}


def vics_media(rnd: random.Random, number: int) -> tuple[dict[str, Any], Key, str | None]:
    """A realistic Media record with the entry key and name it must give."""
    md5, sha1 = hexstr(rnd, 32), hexstr(rnd, 40)
    phash, dhash, pdq = hexstr(rnd, 16), hexstr(rnd, 16), hexstr(rnd, 64)
    category: object = rnd.choice([None, 0, 1, 2, "3", " 4 ", 5, ""])
    expected_category = None if category in (None, "") else str(category).strip()
    name = f"IMG_{number:05d}.jpg"
    record = {
        "MediaID": number,
        "Category": category,
        "MD5": md5.upper() if number % 2 else md5,
        "SHA1": sha1,
        "PhotoDNA": "".join(rnd.choice(string.ascii_letters + "+/") for _ in range(40)),
        "Comments": f"comment {number}",
        "VictimIdentified": rnd.choice(["true", "false"]),
        "OffenderIdentified": rnd.choice(["true", "false"]),
        "IsDistributed": rnd.choice(["true", "false"]),
        "Series": "",
        "Tags": "",
        "DateUpdated": "2024-01-02T03:04:05Z",
        "MediaSize": rnd.randrange(1, 10**7),
        "RelativeFilePath": f"export\\{name}",
        "IsPrecategorized": "false",
        "PrecategorizationSource": None,
        "IsSuspected": "true",
        "MimeType": "image/jpeg",
        "MediaFiles": [
            {
                "MD5": md5,
                "FileName": name,
                "FilePath": f"C:\\Users\\x\\{name}",
                "Created": "2020-01-01T00:00:00Z",
                "Written": "2020-01-01T00:00:00Z",
                "Accessed": "2020-01-01T00:00:00Z",
                "Unallocated": "false",
                "Deleted": "false",
            }
        ],
        "AlternativeHashes": [
            {"MD5": md5, "HashName": rnd.choice(["pHash", "PHash", "phash"]), "HashValue": phash},
            {"MD5": md5, "HashName": "dHash", "HashValue": dhash.upper()},
            {"MD5": md5, "HashName": "PDQ", "HashValue": pdq},
        ],
        "Exifs": [],
        "Segments": [],
    }
    return record, (md5, sha1, None, phash, dhash, expected_category), name


def vics_corpus(seed: int, count: int) -> tuple[list[dict[str, Any]], list[Key]]:
    rnd = random.Random(seed)
    media, keys = [], []
    for number in range(count):
        record, expected, _ = vics_media(rnd, number)
        media.append(record)
        keys.append(expected)
    return media, keys


def write_json(path: Path, document: object, indent: int | None = None) -> Path:
    path.write_text(json.dumps(document, indent=indent), encoding="utf-8")
    return path


_hex = st.sampled_from("0123456789abcdef")


def hex_of(digits: int) -> st.SearchStrategy[str]:
    return st.text(_hex, min_size=digits, max_size=digits).filter(lambda v: v not in EXCLUDED)


category_codes = st.one_of(
    st.none(),
    st.integers(0, 99).map(str),
    st.text(string.ascii_letters + string.digits + "-_/ ", min_size=1, max_size=12),
)


@st.composite
def entry_rows(draw: st.DrawFn) -> list[tuple[str | None, ...]]:
    rows = []
    for _ in range(draw(st.integers(1, 25))):
        row = [draw(st.one_of(st.none(), hex_of(n))) for n in (32, 40, 64, 16, 16)]
        if all(v is None for v in row):
            row[0] = draw(hex_of(32))
        rows.append((*row, normalise_category(draw(category_codes) or "")))
    return rows
