"""The CSV report (``triage_app.reports.csv_report``) lists every item exactly."""

from __future__ import annotations

from pathlib import Path

from conftest import TEST_PASSWORD, TEST_USER
from report_helpers import case_items, csv_sections

from triage_app.case.session import CaseSession
from triage_app.reports import export_report


def test_csv_lists_every_item_exactly(case: Path, tmp_path: Path) -> None:
    items = {i["id"]: i for i in case_items(case)}
    out = tmp_path / "r.csv"
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        export_report(session, "csv", out)
    listed = {int(r["item_id"]): r for r in csv_sections(out)["item"]}
    assert set(listed) == set(items)
    for item_id, item in items.items():
        row = listed[item_id]
        for field in ("md5", "sha1", "sha256", "status", "exhibit"):
            assert row[field] == (item[field] or ""), (item_id, field)
        assert row["category"] == (item["grade"]["category"] if item["grade"] else "")
        assert row["examiner"] == (item["grade"]["examiner"] if item["grade"] else "")
        raw = bytes.fromhex(item["path_hex"]) if "path_hex" in item else item["path"].encode()
        if row["path_hex"]:
            assert bytes.fromhex(row["path_hex"]) == raw
        else:
            assert row["path"].encode() == raw
    odd = next(r for r in listed.values() if r["path_hex"])
    assert odd["path"] == "Misc/caf\\xe9 photo.jpg"
    assert odd["category"] == "XP"
    sources = {r["grade_source"] for r in listed.values() if r["grade_source"]}
    assert {"hash-list exact", "near match confirmed", "manual"} <= sources
    assert any(s.startswith("propagated from item ") for s in sources)
    exact = next(r for r in listed.values() if r["grade_source"] == "hash-list exact")
    assert "national-test-list" in exact["how_graded"]
