"""VICS JSON: versions, profiles, roots, field mapping, bad media, context, alternative hashes."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashsets.helpers import (
    entry_rows,
    hexstr,
    key,
    load,
    v20_context,
    vics_corpus,
    vics_document,
    vics_media,
    write_json,
)
from triage_app.hashsets import json_stream

VICS_VARIANTS = [("1.3", None, "Media")] + [
    ("2.0", profile, root) for profile in ("US", "UK", "CUSTOM") for root in ("Cases", "Media")
]


@pytest.mark.parametrize(("version", "profile", "root"), VICS_VARIANTS)
@pytest.mark.parametrize("indent", [None, 2])
def test_vics_versions_profiles_and_roots(
    tmp_path: Path, version: str, profile: str | None, root: str, indent: int | None
) -> None:
    media, keys = vics_corpus(18, 40)
    document = vics_document(media, version=version, profile=profile or "US", root=root, cases=3)
    entries, report = load(write_json(tmp_path / "export.json", document, indent))
    assert [key(e) for e in entries] == keys
    assert [e.line for e in entries] == list(range(1, 41))
    assert report.format == "vics"
    assert report.format_version == version
    assert report.profile == profile
    assert report.warnings == []


def test_vics_field_mapping(tmp_path: Path) -> None:
    rnd = random.Random(19)
    record, expected, name = vics_media(rnd, 7)
    pdq = record["AlternativeHashes"][2]["HashValue"]
    sha256 = hexstr(rnd, 64)
    record["AlternativeHashes"].append({"HashName": "SHA-256", "HashValue": sha256.upper()})
    record["AlternativeHashes"].append({"HashName": "Microsoft PhotoDNA v2", "HashValue": "AbC+"})
    record["Category"] = "  2 "
    without_name = dict(record, MediaFiles=[{"FilePath": "D:\\a\\b.png"}], MD5=None, SHA1=None)
    without_name["AlternativeHashes"] = [{"HashName": "phash", "HashValue": expected[3]}]
    null_category = dict(record, Category=None, Comments="", PhotoDNA=None)
    int_category = dict(record, Category=3, MediaFiles=[], RelativeFilePath=None)
    document = vics_document([record, without_name, null_category, int_category])
    entries, report = load(write_json(tmp_path / "v.json", document))
    first = entries[0]
    assert (first.md5, first.sha1, first.sha256) == (expected[0], expected[1], sha256)
    assert (first.phash, first.dhash, first.category) == (expected[3], expected[4], "2")
    assert first.name == name
    assert first.note == "comment 7"
    assert first.photodna == record["PhotoDNA"]
    assert first.extra == {"pdq": pdq, "microsoft photodna v2": "AbC+"}
    second = entries[1]
    assert (second.md5, second.sha1, second.phash) == (None, None, expected[3])
    assert second.name == "D:\\a\\b.png"
    assert second.extra == {}
    assert (entries[2].category, entries[2].note, entries[2].photodna) == (None, None, None)
    assert entries[3].category == "3"
    assert entries[3].name is None
    assert report.profile == "US"


def test_vics_bad_media_are_rejected_by_record_number(tmp_path: Path) -> None:
    media, keys = vics_corpus(20, 12)
    media[2]["MD5"] = "nothex"
    media[5]["Category"] = True
    media[7] = {"PhotoDNA": "AAAA", "Category": 1}  # nothing matchable
    media[9]["AlternativeHashes"].append(
        {"HashName": "MD5", "HashValue": hexstr(random.Random(1), 32)}
    )
    media.insert(11, "not an object")  # type: ignore[arg-type]
    document = vics_document(media, root="Cases", cases=4)
    entries, report = load(write_json(tmp_path / "v.json", document, indent=1))
    assert [key(e) for e in entries] == [k for i, k in enumerate(keys) if i not in (2, 5, 7, 9)]
    reasons = {r.line: r.reason for r in report.rejected}
    assert sorted(reasons) == [3, 6, 8, 10, 12]
    assert reasons[3].startswith("MD5: not hexadecimal")
    assert "Category" in reasons[6]
    assert "no MD5, SHA-1, SHA-256, pHash, dHash or PDQ" in reasons[8]
    assert "PhotoDNA" in reasons[8]
    assert "disagrees" in reasons[10]
    assert "not a JSON object" in reasons[12]
    assert report.rejected[0].text.startswith("near line ")


def test_vics_context_problems_are_warned(tmp_path: Path) -> None:
    media, keys = vics_corpus(23, 3)
    no_context = {"value": media}
    entries, report = load(write_json(tmp_path / "a.json", no_context))
    assert [key(e) for e in entries] == keys
    assert any("no @odata.context" in w for w in report.warnings)
    odd = {"@odata.context": "http://example.invalid/$metadata#Things", "value": media}
    _, report = load(write_json(tmp_path / "b.json", odd))
    assert any("unrecognised VICS context" in w for w in report.warnings)
    assert report.profile is None
    mismatch = vics_document(media, root="Cases")
    mismatch["@odata.context"] = v20_context("UK", "Media")
    _, report = load(write_json(tmp_path / "c.json", mismatch))
    assert report.profile == "UK"
    assert any(
        "the context says Media but the file holds Case records" in w for w in report.warnings
    )


def test_vics_alternative_hash_oddities(tmp_path: Path) -> None:
    rnd = random.Random(24)
    record, expected, _ = vics_media(rnd, 1)
    record["AlternativeHashes"] = [
        {"HashName": "pHash", "HashValue": "12345"},  # not imagehash's 16 digits
        {"HashName": "dHash", "HashValue": expected[4]},
        {"HashName": "dHash", "HashValue": hexstr(rnd, 16)},  # second, different
        {"HashName": "", "HashValue": "abc"},
        "junk",
    ]
    entries, report = load(write_json(tmp_path / "v.json", vics_document([record])))
    entry = entries[0]
    assert entry.phash is None
    assert entry.dhash == expected[4]
    assert entry.extra["phash"] == "12345"
    assert "dhash (2)" in entry.extra
    joined = " | ".join(report.warnings)
    assert "pHash not 16 hex digits" in joined
    assert "second, different dHash" in joined
    assert "without HashName or HashValue" in joined
    assert "not an object" in joined


@settings(max_examples=40, deadline=None)
@given(
    rows=entry_rows(),
    root=st.sampled_from(["Cases", "Media"]),
    profile=st.sampled_from(["US", "UK", "CUSTOM"]),
    indent=st.sampled_from([None, 0, 2]),
    chunk=st.integers(1, 300),
)
def test_vics_round_trip(
    rows: list[tuple[str | None, ...]], root: str, profile: str, indent: int | None, chunk: int
) -> None:
    media = []
    for md5, sha1, sha256, phash, dhash, category in rows:
        alternatives = [
            {"HashName": name, "HashValue": value}
            for name, value in (("SHA256", sha256), ("pHash", phash), ("dHash", dhash))
            if value
        ]
        media.append(
            {"MD5": md5, "SHA1": sha1, "Category": category, "AlternativeHashes": alternatives}
        )
    document = vics_document(media, root=root, profile=profile, cases=3)
    original = json_stream.CHUNK
    json_stream.CHUNK = chunk
    try:
        with tempfile.TemporaryDirectory() as folder:
            entries, report = load(write_json(Path(folder) / "v.json", document, indent))
    finally:
        json_stream.CHUNK = original
    assert [key(e) for e in entries] == rows
    assert report.profile == profile
