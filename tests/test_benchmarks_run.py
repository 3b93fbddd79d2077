"""Every benchmark script still runs (tiny sizes; the real runs are documented in the README)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

CASES = {
    "ingest": shlex.split("--count 4 --naive-count 2 --workers 2"),
    "evidence": shlex.split("--count 3 --rounds 1 --workers 2"),
    "match": shlex.split(
        "--sizes 20000 --queries 500 --t 4 12 --faiss-budget 2 --tune-seconds 0.2"
    ),
    "hashset_import": shlex.split("--rows 3000"),
    "gallery": shlex.split("--items 2000 --pages 3"),
    "match_quality": shlex.split("--size small --no-timing"),
    "match_holdout": shlex.split("--distractors 8"),
    "pdq_match": shlex.split(
        "--size 20000 --queries 300 --brute-queries 20 --faiss-budget 2 --multihash 16x16"
    ),
    "startup": shlex.split("--runs 2"),
    "video": shlex.split("--count 1 --seconds 2 --gop 25 --grain 0"),
}


@pytest.mark.stress
@pytest.mark.parametrize("name", sorted(CASES))
def test_benchmark_script_runs(name: str, tmp_path: Path) -> None:
    args = CASES[name]
    if name in ("ingest", "evidence"):
        args = [*args, "--corpus", str(tmp_path / "corpus")]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TRIAGE_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, str(BENCH / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert any(ch.isdigit() for ch in result.stdout), "a benchmark prints its figures"
