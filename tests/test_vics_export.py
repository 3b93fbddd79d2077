"""VICS JSON export and the lab's own list: both must import back to the case's grades.

Round trip: export, ``triage hashset import`` the file, read the entries back
from the library and compare them (hashes and category, mapped through the
schemes) with the graded items as ``triage items --json`` shows them. The CSV
list and the VICS export must import to identical entries (same fingerprint),
and a new case of the same evidence, matched against the list, must start
with the first case's grades.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_PASSWORD, TEST_USER, run_cli
from report_helpers import REFERENCE, BuiltCase, build_case, copy_case
from review_helpers import add_items

from triage_app import __version__
from triage_app.case.session import CaseSession
from triage_app.config.schemes import map_list_code
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.library.importer import import_hash_list
from triage_app.reports import export_hash_list, export_report
from triage_app.review import grading
from triage_app.review.refresh import refresh
from triage_app.storage.case_store import CaseStore
from triage_app.storage.library_store import LibraryStore

UK_SEVERITY = {"A": 100, "B": 90, "C": 80, "PNP": 60, "XP": 50, "NI": 10}
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

Entry = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, test_password_hash: str) -> BuiltCase:
    root = tmp_path_factory.mktemp("vics-case")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRIAGE_HOME", str(root / "home"))
        return build_case(root, test_password_hash)


@pytest.fixture
def case(built: BuiltCase, tmp_path: Path) -> Path:
    return copy_case(built, tmp_path / "case")


@pytest.fixture(scope="module")
def items(built: BuiltCase, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """``triage items --json`` of (a copy of) the case, once for the module."""
    copy = copy_case(built, tmp_path_factory.mktemp("items") / "case")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRIAGE_USER", TEST_USER)
        mp.setenv("TRIAGE_PASSWORD", TEST_PASSWORD)
        return list(json.loads(run_cli("items", copy, "--json").stdout))


def _library() -> Path:
    return Path(os.environ["TRIAGE_HOME"]) / "hashsets.db"


def expected_entries(items: list[dict[str, Any]], severity: dict[str, int]) -> set[Entry]:
    """What the list must hold, computed from the items' JSON alone.

    One entry per graded SHA-256 (grades outside ``severity``, the uncategorised
    code, do not count), the most severe grade of its copies, perceptual hashes
    only from a fully decoded, informative image; the empty file is left out.
    """
    copies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        if item["status"] == "hashed":
            copies[item["sha256"]].append(item)
    out: set[Entry] = set()
    for sha256, group in copies.items():
        grades = [c["grade"]["category"] for c in group if c["grade"]]
        grades = [g for g in grades if g in severity]
        if not grades or sha256 == EMPTY_SHA256:
            continue
        decoded = [
            c
            for c in group
            if c["decode_status"] == "decoded" and not c["low_information"] and c["phash"]
        ]
        first = group[0]
        out.add(
            (
                first["md5"],
                first["sha1"],
                sha256,
                decoded[0]["phash"] if decoded else None,
                decoded[0]["dhash"] if decoded else None,
                max(grades, key=severity.__getitem__),
            )
        )
    return out


def library_entries(name: str, case_scheme: str) -> tuple[dict[str, Any], set[Entry]]:
    """A set's info and its entries, categories mapped onto the case's scheme."""
    with LibraryStore.open(_library()) as library:
        info = library.get_set(name)
        columns = ["md5", "sha1", "sha256", "phash", "dhash", "category"]
        rows = [r for chunk in library.iter_columns(info.id, columns) for r in chunk]
    mask = (1 << 64) - 1

    def hexed(value: bytes | None) -> str | None:
        return value.hex() if value is not None else None

    def perceptual(value: int | None) -> str | None:
        return f"{value & mask:016x}" if value is not None else None

    entries = {
        (
            hexed(md5),
            hexed(sha1),
            hexed(sha256),
            perceptual(phash),
            perceptual(dhash),
            map_list_code(category, info.scheme, case_scheme),
        )
        for _, md5, sha1, sha256, phash, dhash, category in rows
    }
    assert len(entries) == len(rows) == info.loaded
    return info.as_json(), entries


def test_uk_vics_export_imports_back_to_the_graded_items(
    case: Path, items: list[dict[str, Any]], tmp_path: Path
) -> None:
    expected = expected_entries(items, UK_SEVERITY)
    assert len(expected) >= 8
    assert any(e[3] for e in expected) and any(e[3] is None for e in expected)  # videos
    out = tmp_path / "case.vics.json"
    run_cli("report", case, "--format", "vics", "--out", out)

    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["@odata.context"].endswith("/2.0.xml/UK/$metadata#Cases")
    (vics_case,) = document["value"]
    assert vics_case["CaseNumber"] == REFERENCE
    assert vics_case["SourceApplicationName"] == "triage-workstation"
    assert vics_case["SourceApplicationVersion"] == __version__
    media = vics_case["Media"]
    assert {m["Category"] for m in media} == {"A", "B", "C", "PNP", "XP", "NI"}
    names = {a["HashName"] for m in media for a in m["AlternativeHashes"]}
    assert {"pHash", "dHash", "SHA256"} <= names
    # MediaFiles list every copy (duplicates and the other exhibit too).
    paths = {f["FilePath"] for m in media for f in m["MediaFiles"]}
    graded_shas = {e[2] for e in expected}
    copies = {
        f"{i['exhibit']}:{i['path']}"
        for i in items
        if i["status"] == "hashed" and i["sha256"] in graded_shas and "path_hex" not in i
    }
    assert copies <= paths
    assert "OP/2:Pictures/IMG_000.jpg" in paths
    assert vics_case["TotalMediaFiles"] == len(paths)
    precategorised = [m for m in media if m["IsPrecategorized"]]
    assert [m["PrecategorizationSource"] for m in precategorised] == ["national-test-list"] * 2

    report = json.loads(run_cli("hashset", "import", out, "--name", "case-vics", "--json").stdout)
    assert (report["format"], report["profile"], report["scheme"]) == ("vics", "UK", "uk")
    assert report["rejected"] == 0 and report["warnings"] == []
    _, entries = library_entries("case-vics", "uk")
    assert entries == expected


def test_lab_list_equals_the_vics_export_and_seeds_the_next_case(
    case: Path,
    built: BuiltCase,
    items: list[dict[str, Any]],
    tmp_path: Path,
    test_password_hash: str,
) -> None:
    expected = expected_entries(items, UK_SEVERITY)
    lab, vics = tmp_path / "lab.csv", tmp_path / "lab.json"
    run = run_cli("hashset", "export", case, "--out", lab)
    assert f"{len(expected)} entries" in run.stdout
    assert "1 uncategorised" in run.stdout and "1 with copies graded differently" in run.stdout
    assert f"triage hashset import {lab} --name NAME --scheme uk" in run.stdout
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        export_hash_list(session, vics, fmt="vics")
    run_cli("hashset", "import", lab, "--name", "lab-csv", "--scheme", "uk")
    with LibraryStore.open(_library()) as library:
        import_hash_list(library, vics, name="lab-vics")
    csv_info, from_csv = library_entries("lab-csv", "uk")
    vics_info, from_vics = library_entries("lab-vics", "uk")
    assert from_csv == from_vics == expected
    assert csv_info["fingerprint"] == vics_info["fingerprint"]
    assert (csv_info["scheme"], vics_info["scheme"]) == ("uk", "uk")

    # The next case of the same evidence starts from this one's grades.
    second = tmp_path / "second"
    CaseStore.create(
        second, reference="OP-NEXT", examiner=TEST_USER, password_hash=test_password_hash
    ).close()
    with CaseSession.sign_in(second, TEST_USER, TEST_PASSWORD) as session:
        for source, ref in zip(built.evidence, ("N/1", "N/2"), strict=True):
            ingest(session.store, source, ref, IngestOptions(workers=1), actor=session.actor)
        refresh(session, _library())
        grades = session.review.grades()
        new_items = list(session.store.iter_items())
    by_sha = {e[2]: e[5] for e in expected}
    checked = 0
    for item in new_items:
        want = by_sha.get(item["sha256"])
        got = grades.get(item["id"])
        if want is None:
            assert got is None or got.source != grading.FROM_LIST, item["path"]
            continue
        assert got is not None and (got.category, got.source) == (want, grading.FROM_LIST)
        checked += 1
    assert checked >= 10


def test_projectvic_case_exports_the_us_profile(tmp_path: Path, test_password_hash: str) -> None:
    case = tmp_path / "pv"
    with CaseStore.create(
        case,
        reference="PV-1",
        examiner=TEST_USER,
        password_hash=test_password_hash,
        scheme="projectvic",
    ) as store:
        ids = add_items(store, 6)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        for item, code in zip(ids, ("1", "1", "2", "5", "0"), strict=False):
            grading.grade(session, [item], code)
        export_report(session, "vics", tmp_path / "pv.json")
    document = json.loads((tmp_path / "pv.json").read_text())
    assert document["@odata.context"].endswith("/2.0.xml/US/$metadata#Cases")
    media = document["value"][0]["Media"]
    assert [m["Category"] for m in media] == [1, 1, 2, 5]  # numbers; "0" is left out
    report = json.loads(
        run_cli("hashset", "import", tmp_path / "pv.json", "--name", "pv", "--json").stdout
    )
    assert (report["profile"], report["scheme"], report["loaded"]) == ("US", "projectvic", 4)
    _, entries = library_entries("pv", "projectvic")
    assert sorted(e[5] or "" for e in entries) == ["1", "1", "2", "5"]
    assert {e[0] for e in entries} == {f"{i:032x}" for i in (1, 2, 3, 4)}
