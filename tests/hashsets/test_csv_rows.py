"""Delimited records: a CSV syntax error rejects its record and reading goes on."""

from __future__ import annotations

import random
from pathlib import Path

from hashsets.helpers import hexstr, load, write


def test_unterminated_quote_rejects_the_record_and_goes_on(tmp_path: Path) -> None:
    rnd = random.Random(15)
    good = hexstr(rnd, 32)
    filler = "".join(f"{hexstr(rnd, 32)},x\n" for _ in range(5000))  # > csv field limit
    text = f'md5,name\n{hexstr(rnd, 32)},"never closed\n{filler}'
    text += "".join(f"{hexstr(rnd, 32)},y\n" for _ in range(3)) + f"{good},z\n"
    _, report = load(write(tmp_path / "l.csv", text))
    assert report.rejected[0].line == 2
    assert "malformed CSV" in report.rejected[0].reason
