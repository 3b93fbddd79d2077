"""Import a large generated known-hash list end to end and report time and memory.

    python benchmarks/hashset_import.py [--rows 10000000] [--format csv|plain]

Generates a product CSV (md5, sha1, phash, dhash, category) of random hashes,
then runs the real import (streaming parse, SQLite insert, per-set exact and
Hamming indexes) in a child process and reports wall time, rows/s and the
child's peak RSS. A naive baseline in the same run: ``csv.DictReader`` into a
Python dict keyed by MD5 (what a quick script would do), on a tenth of the
rows, extrapolated.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import sys, time, resource
from pathlib import Path
from triage_app.library.importer import import_hash_list
from triage_app.storage.library_store import LibraryStore
src, lib = Path(sys.argv[1]), Path(sys.argv[2])
t0 = time.perf_counter()
with LibraryStore.open(lib) as library:
    result = import_hash_list(library, src, name="bench")
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{result.info.loaded} {elapsed:.4f} {peak:.0f}")
"""

NAIVE = r"""
import csv, sys, time, resource
t0 = time.perf_counter()
table = {}
with open(sys.argv[1], newline="") as f:
    for n, row in enumerate(csv.DictReader(f)):
        if n >= int(sys.argv[2]):
            break
        table[row["md5"].lower()] = row
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{len(table)} {elapsed:.4f} {peak:.0f}")
"""


def generate(path: Path, rows: int) -> None:
    """Write ``rows`` random entries (chunked, so generation itself stays small)."""
    import numpy as np

    rng = np.random.default_rng(1)
    cats = np.array(["A", "B", "C"])
    with open(path, "w", encoding="ascii") as out:
        out.write("md5,sha1,phash,dhash,category\n")
        for start in range(0, rows, 200_000):
            n = min(200_000, rows - start)
            raw = rng.integers(0, 256, size=(n, 16 + 20 + 8 + 8), dtype=np.uint8)
            hexes = [r.tobytes().hex() for r in raw]
            picks = cats[rng.integers(0, 3, n)]
            out.writelines(
                f"{h[:32]},{h[32:72]},{h[72:88]},{h[88:104]},{c}\n"
                for h, c in zip(hexes, picks, strict=True)
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="folder to keep the generated list in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="triage-import-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        src = folder / f"list-{args.rows}.csv"
        if not src.exists():
            t0 = time.perf_counter()
            generate(src, args.rows)
            print(f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:.0f} MB) "
                  f"in {time.perf_counter() - t0:.0f} s")  # fmt: skip
        lib = Path(tmp) / "library.db"
        env = {**os.environ, "TRIAGE_HOME": tmp}
        child = [sys.executable, "-c", CHILD, str(src), str(lib)]
        done = subprocess.run(child, env=env, capture_output=True, text=True, check=True)
        out = done.stdout.split()
        loaded, seconds, peak = int(out[0]), float(out[1]), float(out[2])
        naive_rows = max(1, args.rows // 10)
        naive = [sys.executable, "-c", NAIVE, str(src), str(naive_rows)]
        nout = subprocess.run(naive, capture_output=True, text=True, check=True).stdout.split()
        n_seconds, n_peak = max(float(nout[1]), 1e-4), float(nout[2])
        print()
        print("| contender | rows | seconds | rows/s | peak RSS MiB |")
        print("|---|---:|---:|---:|---:|")
        print(f"| triage hashset import (parse, SQLite, indexes) | {loaded:,} | {seconds:.1f} "
              f"| {loaded / seconds:,.0f} | {peak:.0f} |")  # fmt: skip
        print(f"| naive csv.DictReader into a dict (1/10 of the rows) | {naive_rows:,} | "
              f"{n_seconds:.1f} | {naive_rows / n_seconds:,.0f} | {n_peak:.0f} |")  # fmt: skip
        print()
        print(f"goal: {args.rows:,} rows in under 120 s -> {'met' if seconds < 120 else 'NOT met'}")


if __name__ == "__main__":
    main()
