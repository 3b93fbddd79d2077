"""Filtered exports of the log (``triage_app.supervision.audit_export``)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
from pathlib import Path

from supervision_helpers import FIRST, FIRST_LABEL, SUPER, cli, sign

from triage_app import audit


def test_filtered_exports_print_the_head(qa_case: tuple[Path, list[int]], tmp_path: Path) -> None:
    case, ids = qa_case
    out_csv, out_pdf = tmp_path / "review.csv", tmp_path / "review.pdf"
    result = cli("audit", "export", case, "--out", out_csv, "--examiner", FIRST, "--item", ids[0],
                 user=SUPER).stdout  # fmt: skip
    head = re.search(r"head (\d+) ([0-9a-f]{64})", result)
    assert head
    with open(out_csv, newline="", encoding="utf-8") as handle:
        table = [r for r in csv.reader(handle) if r]
    facts = {r[1]: r[2] for r in table if r[0] == "export"}
    assert (facts["head_seq"], facts["head_hash"]) == (head.group(1), head.group(2))
    assert facts["chain"] == "intact" and facts["filter"] == f"account {FIRST}; item {ids[0]}"
    entries = [r for r in table if r[0] == "entry"]
    assert [(r[3], r[4], r[5]) for r in entries] == [(FIRST_LABEL, "grade", f"item {ids[0]}")]
    with sign(case, SUPER) as s:
        rows = list(s.review.audit_rows())
    assert rows[int(facts["head_seq"]) - 1].hash == facts["head_hash"]
    logged = next(r for r in reversed(rows) if r.action == audit.EXPORT)
    payload = json.loads(logged.payload)
    assert payload["sha256"] == hashlib.sha256(out_csv.read_bytes()).hexdigest()
    assert payload["filter"]["item"] == ids[0] and payload["head_seq"] == int(head.group(1))

    pdf = cli("audit", "export", case, "--out", out_pdf, "--format", "pdf", "--action",
              "grade", user=SUPER).stdout  # fmt: skip
    pdf_head = re.search(r"head (\d+) ([0-9a-f]{64})", pdf)
    assert pdf_head and out_pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out_pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Audit trail review" in text and "intact" in text
    assert f"Audit trail head {pdf_head.group(1)}:{pdf_head.group(2)}" in text
    assert "Entries (18)" in text
