"""Hostile file names are shown safely and exported exactly.

Names from the evidence carry a spreadsheet formula, a right-to-left override,
a terminal escape, a newline and bytes that are not UTF-8. The terminal, the
HTML and the PDF show them escaped; every CSV cell is neutralised; JSON keeps
the raw value; ``path_hex`` holds the bytes wherever they are not plain UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from trust_helpers import HOSTILE_NAMES, HostileCase, build_hostile_case

DANGEROUS = ("\x1b", "\u202e", "\r")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileCase:
    return build_hostile_case(tmp_path_factory.mktemp("names"))


def test_the_terminal_never_receives_an_escape_or_an_override(hostile: HostileCase) -> None:
    listing = hostile.cli("items", hostile.case).stdout
    as_json = hostile.cli("items", hostile.case, "--json").stdout
    audit = hostile.cli("audit", "list", hostile.case, env=hostile.as_supervisor()).stdout
    for text in (listing, as_json, audit):
        assert not any(ch in text for ch in DANGEROUS)
    items = json.loads(as_json)
    paths = {item["path"] for item in items}
    assert "invoice\u202egpj.exe.png" in paths  # JSON keeps the value itself
    assert "red\x1b[31malert.png" in paths
    by_path = {item["path"]: item for item in items}
    assert by_path["caf\udce9.png"]["path_hex"] == b"caf\xe9.png".hex()


def _report_csv_items(hostile: HostileCase, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "report.csv"
    hostile.cli("report", hostile.case, "--format", "csv", "--out", out)
    text = out.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = next(r for r in rows if r[:3] == ["section", "exhibit", "item_id"])
    return [dict(zip(header, r, strict=False)) for r in rows if r and r[0] == "item"]


def test_csv_cells_are_never_formulas_and_path_hex_is_filled(
    hostile: HostileCase, tmp_path: Path
) -> None:
    rows = _report_csv_items(hostile, tmp_path)
    formula = next(r for r in rows if "HYPERLINK" in r["path"])
    assert formula["path"].startswith("'")
    assert all(not r["path"].startswith(("=", "+", "-", "@")) for r in rows)
    cafe = next(r for r in rows if r["path"].startswith("caf"))
    assert cafe["path_hex"] == b"caf\xe9.png".hex()
    for name in HOSTILE_NAMES[1:4]:  # the override, the escape, the newline: hex kept
        row = next(r for r in rows if r["path_hex"] == name.hex())
        assert not any(ch in row["path"] for ch in (*DANGEROUS, "\n"))


def test_every_csv_writer_neutralises_formulas(hostile: HostileCase, tmp_path: Path) -> None:
    # The hash-list export names each entry after a file; the audit export holds names too.
    listing = tmp_path / "list.csv"
    hostile.cli("hashset", "export", hostile.case, "--out", listing)
    trail = tmp_path / "trail.csv"
    hostile.cli("audit", "export", hostile.case, "--out", trail)
    review = tmp_path / "review.csv"
    hostile.cli("audit", "export", hostile.case, "--out", review, "--action", "ingest started",
                env=hostile.as_supervisor())  # fmt: skip
    for path in (listing, trail, review):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell)
    cells = [c for r in csv.reader(io.StringIO(listing.read_text(encoding="utf-8"))) for c in r]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)


def test_html_and_pdf_show_names_escaped(hostile: HostileCase, tmp_path: Path) -> None:
    html_out, pdf_out = tmp_path / "r.html", tmp_path / "r.pdf"
    hostile.cli("report", hostile.case, "--format", "html", "--out", html_out)
    hostile.cli("report", hostile.case, "--format", "pdf", "--out", pdf_out)
    html = html_out.read_text(encoding="utf-8")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_out), "-"], capture_output=True, text=True, check=True
    ).stdout
    for shown in (html, text):
        assert "\u202e" not in shown and "\x1b" not in shown
    assert "invoice\\u202egpj.exe.png" in html and "red\\x1b[31malert.png" in html
    assert "\\u202e" in text.replace("\n", "")
