"""The lab's own list (``triage_app.reports.lab_list``): it imports to the same entries as
the VICS export (same fingerprint), and a new case of the same evidence, matched
against it, starts with the first case's grades."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import TEST_PASSWORD, TEST_USER, run_cli
from report_helpers import (
    UK_SEVERITY,
    BuiltCase,
    expected_entries,
    library_entries,
    library_path,
)

from triage_app.case.session import CaseSession
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.library.importer import import_hash_list
from triage_app.reports import export_hash_list
from triage_app.review import grading
from triage_app.review.refresh import refresh
from triage_app.storage.case_store import CaseStore
from triage_app.storage.library_store import LibraryStore


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
    with LibraryStore.open(library_path()) as library:
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
        refresh(session, library_path())
        grades = session.review.grades()
        new_items = list(session.store.iter_items())
    by_sha = {e[2]: e[5] for e in expected}
    checked = 0
    for item in new_items:
        want = by_sha.get(item.record.sha256)
        got = grades.get(item.id)
        if want is None:
            assert got is None or got.source != grading.FROM_LIST, item.record.path
            continue
        assert got is not None and (got.category, got.source) == (want, grading.FROM_LIST)
        checked += 1
    assert checked >= 10
