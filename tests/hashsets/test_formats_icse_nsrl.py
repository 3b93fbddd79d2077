"""Interpol ICSE exports and NSRL RDS v2 NSRLFile.txt."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hashsets.helpers import EMPTY_MD5, hex_of, hexstr, icse_csv, load, nsrl_txt, write


def test_icse_export(tmp_path: Path) -> None:
    rnd = random.Random(16)
    rows = [
        {
            "MD5": hexstr(rnd, 32).upper(),
            "SHA1": hexstr(rnd, 40).upper(),
            "PhotoDNA": ",".join(str(rnd.randrange(256)) for _ in range(144)),
            "Image ID": str(1000 + i),
            "Is distributed": "Yes",
            "Victim identified": "No",
            "Offender identified": "No",
            "Series name": rnd.choice(["Series One", ""]),
            "Number of submissions": "3",
            "File Available": "true",
            "Media Type": "Image",
            "Baseline": "false",
        }
        for i in range(20)
    ]
    rows[3]["SHA1"] = "zz"
    entries, report = load(write(tmp_path / "icse.csv", icse_csv(rows), bom=True, newline="\r\n"))
    assert report.format == "icse"
    assert len(entries) == 19
    kept = [r for i, r in enumerate(rows) if i != 3]
    for row, entry in zip(kept, entries, strict=True):
        assert entry.md5 == row["MD5"].lower()
        assert entry.sha1 == row["SHA1"].lower()
        assert entry.category is None
        assert entry.photodna == row["PhotoDNA"]
        assert entry.name == (row["Series name"] or None)
        assert entry.note == f"ICSE image ID {row['Image ID']}"
    assert [(r.line, r.reason.split(":")[0]) for r in report.rejected] == [(5, "SHA1")]


def test_nsrl_rds_v2(tmp_path: Path) -> None:
    rnd = random.Random(17)
    rows = [
        [
            hexstr(rnd, 40).upper(),
            hexstr(rnd, 32).upper(),
            "0A1B2C3D",
            f"file, {i}.dll",
            4096,
            1,
            "358",
            "",
        ]
        for i in range(25)
    ]
    rows[10] = rows[10][:5]  # 5 fields
    rows[11][1] = EMPTY_MD5.upper()  # empty-file MD5: excluded, SHA-1 kept
    entries, report = load(write(tmp_path / "NSRLFile.txt", nsrl_txt(rows), newline="\r\n"))
    assert report.format == "nsrl"
    assert len(entries) == 24
    assert entries[0].sha1 == str(rows[0][0]).lower()
    assert entries[0].md5 == str(rows[0][1]).lower()
    assert entries[0].name == "file, 0.dll"
    assert all(e.category is None for e in entries)
    assert [r.line for r in report.rejected] == [12]
    assert "5 fields, expected 8" in report.rejected[0].reason
    assert entries[10].md5 is None
    assert entries[10].sha1 == str(rows[11][0]).lower()


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(hex_of(32), hex_of(40), st.text(min_size=0, max_size=20)), min_size=1, max_size=20
    )
)
def test_icse_and_nsrl_round_trip(rows: list[tuple[str, str, str]]) -> None:
    icse = icse_csv({"MD5": m.upper(), "SHA1": s, "Series name": "S"} for m, s, _ in rows)
    nsrl = nsrl_txt([s.upper(), m.upper(), "00000000", n, 1, 1, "1", ""] for m, s, n in rows)
    with tempfile.TemporaryDirectory() as folder:
        icse_entries, _ = load(write(Path(folder) / "i.csv", icse))
        nsrl_entries, _ = load(write(Path(folder) / "n.txt", nsrl))
    assert [(e.md5, e.sha1) for e in icse_entries] == [(m, s) for m, s, _ in rows]
    assert [(e.md5, e.sha1, e.name) for e in nsrl_entries] == [
        (m, s, n.strip() or None) for m, s, n in rows
    ]
