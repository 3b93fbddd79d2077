"""Ingest throughput against a naive loop and the decode floor, in one run.

    python benchmarks/ingest.py [--count 150] [--workers N] [--corpus DIR]

Prints images/s for:
  naive    serial: read + hashlib MD5/SHA-1/SHA-256, then imagehash.phash and
           dhash on one full ``Image.open(p)``;
  floor    read + DCT-scaled (draft) decode alone, serially and with the same
           number of worker processes as the ingest;
  ingest   ``triage ingest`` through the core API into a fresh SQLite case.
and the ratios between them. Shared machines are noisy: compare the ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import imagehash
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from triage_app.demo.synthetic import write_camera_corpus
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.media.image_decode import THUMB_SIDE
from triage_app.storage.case_store import CaseStore


def naive_one(path: Path) -> None:
    """The obvious loop body: hash the bytes, then hash a full decode."""
    data = path.read_bytes()
    for name in ("md5", "sha1", "sha256"):
        hashlib.new(name, data)
    img = Image.open(path)
    imagehash.phash(img)
    imagehash.dhash(img)


def floor_one(path: Path) -> None:
    """Read the file and decode it at the reduced scale the ingest uses, nothing else."""
    data = path.read_bytes()
    img = Image.open(io.BytesIO(data))
    img.draft(img.mode, (THUMB_SIDE, THUMB_SIDE))
    img.load()


def timed_serial(fn: object, paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        fn(p)  # type: ignore[operator]
    return time.perf_counter() - start


def timed_parallel(fn: object, paths: list[Path], workers: int) -> float:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        pool.map(fn, paths[:workers])  # warm-up: start the processes, import Pillow
        start = time.perf_counter()
        pool.map(fn, paths, chunksize=1)
        return time.perf_counter() - start


def timed_ingest(paths: list[Path], workers: int) -> float:
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
        source = Path(tmp) / "evidence"
        source.mkdir()
        for p in paths:
            os.link(p, source / p.name) if _same_fs(p, source) else shutil.copy(p, source)
        case = Path(tmp) / "case"
        with CaseStore.create(
            case, reference="BENCH", examiner="bench", password_hash="-"
        ) as store:
            start = time.perf_counter()
            result = ingest(
                store, source, "BENCH/1", IngestOptions(workers=workers), actor="benchmark"
            )
            elapsed = time.perf_counter() - start
        assert result.totals.hashed == len(paths), result
        return elapsed


def _same_fs(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir()) / "triage-bench-corpus"
    )
    parser.add_argument(
        "--naive-count", type=int, default=40, help="images for the slow naive loop"
    )
    args = parser.parse_args()

    print(f"corpus: {args.count} JPEGs 4000x3000 q90 in {args.corpus} (generating if missing)")
    paths = write_camera_corpus(args.corpus, args.count)
    total_mb = sum(p.stat().st_size for p in paths) / 1e6
    print(
        f"        {total_mb:.0f} MB, {total_mb / len(paths):.1f} MB per image; "
        f"workers={args.workers}"
    )
    for p in paths:  # warm the page cache so every contender reads from memory
        p.read_bytes()

    naive_paths = paths[: args.naive_count]
    rows = []
    t = timed_serial(naive_one, naive_paths)
    rows.append(("naive serial loop (hashlib + imagehash on full decode)", len(naive_paths) / t))
    t = timed_serial(floor_one, paths)
    rows.append(("floor: read + draft decode, serial", len(paths) / t))
    t = timed_parallel(floor_one, paths, args.workers)
    rows.append((f"floor: read + draft decode, {args.workers} processes", len(paths) / t))
    t = timed_ingest(paths, args.workers)
    rows.append(
        (
            f"triage ingest, {args.workers} workers (hashes, pHash, dHash, thumbnail, DB)",
            len(paths) / t,
        )
    )

    print()
    print("| contender | images/s |")
    print("|---|---:|")
    for name, rate in rows:
        print(f"| {name} | {rate:.1f} |")
    naive, floor_serial, floor_par, ingest_rate = (r for _, r in rows)
    print()
    print(f"ingest / naive serial         = {ingest_rate / naive:.1f}x   (target >= 6x)")
    print(f"ingest / floor (serial)       = {ingest_rate / floor_serial:.2f}   (target >= 0.8)")
    print(f"ingest / floor (same workers) = {ingest_rate / floor_par:.2f}")


if __name__ == "__main__":
    main()
