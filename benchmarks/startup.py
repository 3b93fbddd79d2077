"""How fast the command line starts: ``triage --help``, and a 1-file ingest against a
naive hashing script, whole processes, medians of N runs in one session.

    python benchmarks/startup.py [--runs 5]

Prints (seconds, median of the runs; min-max in brackets):
  help     ``triage --help`` (goal: at most 0.25 s);
  naive    a script that reads one JPEG, takes MD5/SHA-1/SHA-256 with hashlib and
           ``imagehash.phash`` of it (the whole process, its imports included);
  ingest   ``triage ingest CASE SRC --exhibit E1`` of that one file into a fresh case
           (sign-in, hashing, decoding in a worker, recording, matching, grouping);
and ingest/naive taken pair by pair (goal: at most 1.5). The two commands run in
turn (naive, ingest, naive, ...) so a drift in the machine's speed hits both. Each
ingest gets a fresh copy of a case made beforehand; one warm-up of each is not
counted (it creates the per-user hash library, as a first use would).

Byte code is compiled first (as installing a wheel does), so neither side pays for
compiling sources: this environment may set ``PYTHONDONTWRITEBYTECODE``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from triage_app.demo.synthetic import camera_jpeg  # noqa: E402

NAIVE = """\
import hashlib, sys
import imagehash
from PIL import Image
path = sys.argv[1]
data = open(path, "rb").read()
print(hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(),
      hashlib.sha256(data).hexdigest())
print(imagehash.phash(Image.open(path)))
"""

USER, PASSWORD = "Bench Examiner", "bench-password"


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed ({result.returncode}): {result.stderr.strip()}")
    return elapsed


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s [{min(values):.3f}-{max(values):.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compileall.compile_dir(REPO / "triage_app", quiet=1)
    triage = [sys.executable, "-m", "triage_app.cli.main"]
    with tempfile.TemporaryDirectory(prefix="triage-startup-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "TRIAGE_HOME": str(root / "home"), "TRIAGE_USER": USER,
               "TRIAGE_PASSWORD": PASSWORD}  # fmt: skip
        source = root / "evidence"
        source.mkdir()
        photo = source / "IMG_0001.JPG"
        photo.write_bytes(camera_jpeg(1, size=(1024, 768)))
        naive = root / "naive.py"
        naive.write_text(NAIVE, encoding="utf-8")
        template = root / "template"
        subprocess.run(
            [*triage, "case", "create", str(template), "--ref", "BENCH/1", "--examiner", USER],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        cases = []
        for n in range(args.runs + 1):
            cases.append(root / f"case{n}")
            shutil.copytree(template, cases[-1])

        help_times = [_timed([*triage, "--help"], env) for _ in range(args.runs + 1)][1:]
        naive_times: list[float] = []
        ingest_times: list[float] = []
        for n, case in enumerate(cases):
            a = _timed([sys.executable, str(naive), str(photo)], env)
            b = _timed([*triage, "ingest", str(case), str(source), "--exhibit", "E1",
                        "--no-progress"], env)  # fmt: skip
            if n:  # the first pair is the warm-up
                naive_times.append(a)
                ingest_times.append(b)
    ratios = [b / a for a, b in zip(naive_times, ingest_times, strict=True)]
    print(f"help     {_fmt(help_times)}   (goal <= 0.25 s)")
    print(f"naive    {_fmt(naive_times)}")
    print(f"ingest   {_fmt(ingest_times)}")
    print(f"ingest/naive  median {statistics.median(ratios):.2f} "
          f"[{min(ratios):.2f}-{max(ratios):.2f}]   (goal <= 1.5)")  # fmt: skip


if __name__ == "__main__":
    main()
