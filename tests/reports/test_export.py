"""Writing reports (``triage_app.reports.export``): counts checked independently, the
audit entries, refusals, incomplete cases and a full disk.

Counts are recomputed here from ``triage items --json`` with nothing but the UK
rules written out below, and compared with the CSV report's summary and with
the text of the PDF.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, TEST_PASSWORD, TEST_USER, run_cli
from report_helpers import (
    REFERENCE,
    BuiltCase,
    case_items,
    csv_sections,
    export_entries,
    pdf_text,
)

from triage_app.case.session import CaseSession
from triage_app.reports import ExportError, ReportError, export_report

#: UK severities, written out here so that the test does not use the code under test.
SEVERITY = {"A": 100, "B": 90, "C": 80, "PNP": 60, "XP": 50, "NI": 10, "U": 0}


INDECENT = ("A", "B", "C")


ROWS = ("A", "B", "C", "indecent_total", "PNP", "XP", "NI", "U", "not_graded", "all_files")


MEDIA = ("still", "moving", "other")


#: How the PDF labels each row of a count table.
PDF_LABELS = {
    "A": "Category A",
    "B": "Category B",
    "C": "Category C",
    "indecent_total": "Total A+B+C",
    "PNP": "Prohibited non-photographic",
    "XP": "Extreme pornography",
    "NI": "Not indecent",
    "U": "Uncategorised",
    "not_graded": "Not graded",
    "all_files": "All hashed files",
}


Counts = dict[tuple[str, str], tuple[int, int]]


def _media(item: dict[str, Any]) -> str:
    return {"image": "still", "video": "moving"}.get(item["media_type"], "other")


def expected_counts(items: list[dict[str, Any]], exhibit: str | None) -> Counts:
    """Files and unique SHA-256 per (row, media), straight from the items' JSON."""
    hashed = [i for i in items if i["status"] == "hashed" and exhibit in (None, i["exhibit"])]
    files: Counter[tuple[str, str]] = Counter()
    unique: Counter[tuple[str, str]] = Counter()
    by_sha: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in hashed:
        row = i["grade"]["category"] if i["grade"] else "not_graded"
        files[(row, _media(i))] += 1
        by_sha[i["sha256"]].append(i)
    for copies in by_sha.values():
        grades = [c["grade"]["category"] for c in copies if c["grade"]]
        row = max(grades, key=SEVERITY.__getitem__) if grades else "not_graded"
        unique[(row, _media(copies[0]))] += 1
    out: Counts = {}
    for media in MEDIA:
        for row in ROWS:
            if row == "indecent_total":
                parts: tuple[str, ...] = INDECENT
            elif row == "all_files":
                parts = (*SEVERITY, "not_graded")
            else:
                parts = (row,)
            out[(row, media)] = (
                sum(files[(p, media)] for p in parts),
                sum(unique[(p, media)] for p in parts),
            )
    for row in ROWS:
        out[(row, "all")] = (
            sum(out[(row, m)][0] for m in MEDIA),
            sum(out[(row, m)][1] for m in MEDIA),
        )
    return out


def _csv_counts(summary: list[dict[str, str]], scope: str, exhibit: str) -> Counts:
    return {
        (r["row"], r["media"]): (int(r["files"]), int(r["unique"]))
        for r in summary
        if r["scope"] == scope and r["exhibit"] == exhibit
    }


def _pdf_counts(text: str) -> dict[str, Counts]:
    """The count tables of section 2 of the PDF, by scope (exhibit or 'All exhibits')."""
    section = text.split("2. Summary of counts", 1)[1].split("3. Method", 1)[0]
    tables: dict[str, Counts] = {}
    scope = None
    number = r"([\d,]+)"
    for line in section.splitlines():
        heading = re.fullmatch(r"\s*(Exhibit (\S+)|All exhibits)\s*", line)
        if heading:
            scope = heading.group(2) or "All exhibits"
            tables[scope] = {}
            continue
        for row, label in PDF_LABELS.items():
            found = re.fullmatch(
                rf"\s*{re.escape(label)}\s+" + r"\s+".join([number] * 8) + r"\s*", line
            )
            if found and scope is not None:
                values = [int(v.replace(",", "")) for v in found.groups()]
                for n, media in enumerate((*MEDIA, "all")):
                    tables[scope][(row, media)] = (values[2 * n], values[2 * n + 1])
    return tables


def _printed_head(stdout: str) -> tuple[int, str]:
    found = re.search(r"audit head in the file (\d+) ([0-9a-f]{64})", stdout)
    assert found, stdout
    return int(found.group(1)), found.group(2)


def test_csv_and_pdf_counts_match_an_independent_count(case: Path, tmp_path: Path) -> None:
    items = case_items(case)
    exhibits = ["OP/1", "OP/2", "OP/3"]
    expected = {ex: expected_counts(items, ex) for ex in exhibits}
    expected["All exhibits"] = expected_counts(items, None)
    # The case is rich enough for the comparison to mean something.
    op1 = expected["OP/1"]
    # IMG_000 and its Chat copy (one content) and the confirmed near match IMG_003.
    assert op1[("A", "still")] == (3, 2)
    assert op1[("B", "still")] == (2, 1)  # the amended backup copy + the list hit
    assert op1[("A", "moving")] == (2, 1)  # clip_a and its copy
    assert op1[("C", "moving")] == (1, 1)
    assert expected["All exhibits"][("A", "moving")] == (3, 1)  # the same clip on OP/2
    assert expected["All exhibits"][("PNP", "still")][0] == 1
    assert expected["All exhibits"][("XP", "still")][0] == 1
    assert expected["OP/3"][("B", "moving")] == (1, 1)

    csv_out, pdf_out = tmp_path / "report.csv", tmp_path / "report.pdf"
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        csv_result = export_report(session, "csv", csv_out)
    pdf_run = run_cli("report", case, "--format", "pdf", "--out", pdf_out)

    sections = csv_sections(csv_out)
    for ex in exhibits:
        assert _csv_counts(sections["summary"], "exhibit", ex) == expected[ex], ex
    assert _csv_counts(sections["summary"], "case", "") == expected["All exhibits"]
    # The case's unique count is not the sum of the exhibits' (IMG_000 is on two).
    assert expected["All exhibits"][("all_files", "all")][1] < sum(
        expected[ex][("all_files", "all")][1] for ex in exhibits
    )

    text = pdf_text(pdf_out)
    tables = _pdf_counts(text)
    assert set(tables) == {*exhibits, "All exhibits"}
    for scope, counts in expected.items():
        assert tables[scope] == counts, scope

    # The accounting line, per exhibit, recomputed from the items.
    for ex in exhibits:
        mine = [i for i in items if i["exhibit"] == ex]
        status = Counter(i["status"] for i in mine)
        line = (
            f"Exhibit {ex}: found {len(mine)} = hashed {status['hashed']} + skipped "
            f"{status['skipped']} + failed {status['failed']} (balanced)"
        )
        assert line in text
        row = next(r for r in sections["accounting"] if r["exhibit"] == ex)
        assert (int(row["found"]), int(row["hashed"]), int(row["skipped"]), int(row["failed"])) == (
            len(mine), status["hashed"], status["skipped"], status["failed"],
        )  # fmt: skip
    assert status["failed"] == 1  # OP/3's unreadable file
    assert "Permission denied" in text

    # Case reference and audit head on the PDF; the export entry records the file.
    head_seq, head_hash = _printed_head(pdf_run.stdout)
    assert REFERENCE in text
    assert head_hash in text.replace("\n", " ")
    assert f"--expect-head {head_seq}:{head_hash}" in text
    assert re.search(r"Page 1 of \d+", text)
    entries = export_entries(case)
    assert [e["format"] for e in entries] == ["csv", "pdf"]
    digest = hashlib.sha256(pdf_out.read_bytes()).hexdigest()
    assert entries[1]["sha256"] == digest
    assert f"sha256 {digest}" in pdf_run.stdout
    assert (entries[1]["head_seq"], entries[1]["head_hash"]) == (head_seq, head_hash)
    assert entries[0]["sha256"] == hashlib.sha256(csv_out.read_bytes()).hexdigest()
    assert entries[0]["sha256"] == csv_result.sha256
    assert (entries[0]["head_seq"], entries[0]["head_hash"]) == csv_result.audit_head
    assert f"audit_head_hash,{csv_result.audit_head[1]}" in csv_out.read_text()
    # No images unless asked for.
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf_out)], capture_output=True, text=True, check=True
    )
    assert len(images.stdout.strip().splitlines()) == 2  # the two header lines only


def test_refuses_to_write_into_evidence_or_over_the_case(
    case: Path, built: BuiltCase, tmp_path: Path
) -> None:
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        with pytest.raises(ExportError, match="inside the source folder of exhibit OP/1"):
            export_report(session, "csv", built.evidence[0] / "DCIM" / "report.csv")
        with pytest.raises(ExportError, match="case's own files"):
            export_report(session, "csv", case / "case.db")
        with pytest.raises(ExportError, match="does not exist"):
            export_report(session, "csv", tmp_path / "no" / "such" / "r.csv")
    assert not (built.evidence[0] / "DCIM" / "report.csv").exists()
    assert export_entries(case) == []


def test_refuses_a_case_whose_audit_trail_is_broken(case: Path, tmp_path: Path) -> None:
    with sqlite3.connect(case / "case.db", isolation_level=None) as con:
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("UPDATE audit_log SET payload = '{}' WHERE seq = 3")
    with (
        CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session,
        pytest.raises(ReportError, match="broken at entry 3"),
    ):
        export_report(session, "csv", tmp_path / "r.csv")
    assert not (tmp_path / "r.csv").exists()


def test_an_unfinished_ingest_is_refused_or_marked(case: Path, tmp_path: Path) -> None:
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        exhibit = session.store.exhibit_for_ingest("OP/4", b"/nonexistent/op4")
        session.store.start_run(
            exhibit,
            workers=1,
            versions={"pillow": "t", "imagehash": "t"},
            actor="E",
            source="/nonexistent/op4",
        )
        with pytest.raises(ReportError, match="OP/4: the last ingest did not finish"):
            export_report(session, "html", tmp_path / "r.html")
        result = export_report(session, "html", tmp_path / "r.html", allow_incomplete=True)
    assert result.warnings
    assert "THIS REPORT IS INCOMPLETE" in (tmp_path / "r.html").read_text()


def _assert_clean_failure(run: subprocess.CompletedProcess[str], folder: Path, out: Path) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "the disk is full" in run.stderr
    assert "Traceback" not in run.stderr
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def _can_mount_tmpfs() -> bool:
    return os.geteuid() == 0 and Path("/proc/filesystems").read_text().count("tmpfs") > 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="mounting a tmpfs needs root")
def test_disk_full_on_a_small_tmpfs_leaves_nothing(case: Path, tmp_path: Path) -> None:
    disk = tmp_path / "small-disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr!r}")
    try:
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 1024)
        os.truncate(filler, filler.stat().st_size - 8 * 1024)  # 8 KiB left: a partial write
        out = disk / "report.html"
        run = run_cli("report", case, "--format", "html", "--out", out, check=False)
        _assert_clean_failure(run, disk, out)
        assert not out.exists()
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert export_entries(case) == []


_DEV_FULL = """
import os, sys, tempfile
real = tempfile.mkstemp
def on_a_full_disk(*args, **kwargs):
    fd, name = real(*args, **kwargs)  # the temporary file exists, as it would
    os.close(fd)
    return os.open("/dev/full", os.O_WRONLY), name  # ... but every write hits ENOSPC
tempfile.mkstemp = on_a_full_disk
from triage_app.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_disk_full_injected_through_dev_full_leaves_the_old_file(
    case: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports" / "report.csv"
    out.parent.mkdir()
    out.write_text("an earlier report\n")
    command = [sys.executable, "-c", _DEV_FULL, "report", str(case), "--format", "csv"]
    run = subprocess.run(
        [*command, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    _assert_clean_failure(run, out.parent, out)
    assert out.read_text() == "an earlier report\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.csv"]
    assert export_entries(case) == []
