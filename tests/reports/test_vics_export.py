"""VICS JSON export (``triage_app.reports.vics_export``): it must import back to the case's
grades.

Round trip: export, ``triage hashset import`` the file, read the entries back
from the library and compare them (hashes and category, mapped through the
schemes) with the graded items as ``triage items --json`` shows them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import TEST_PASSWORD, TEST_USER, run_cli
from report_helpers import REFERENCE, UK_SEVERITY, expected_entries, library_entries
from review_helpers import add_items

from triage_app import __version__
from triage_app.case.session import CaseSession
from triage_app.reports import export_report
from triage_app.review import grading
from triage_app.storage.case_store import CaseStore


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
