"""Ingest from an E01 (and a raw image) of a FAT32 card against the same photos in a folder.

    python benchmarks/evidence.py [--count 60] [--workers N] [--rounds 3] [--corpus DIR]

Builds a partitioned FAT32 card holding ``--count`` camera JPEGs (4000x3000)
with Debian tools (sfdisk, mkfs.vfat, mtools; ewfacquire from ewf-tools for
the E01), then ingests the folder, the raw image and the E01 into fresh
SQLite cases, in turn, ``--rounds`` times, and prints the median seconds of
each with its ratio to the folder. The E01 ingest includes the image's
verification (the whole media re-hashed against the MD5 stored in it); a
fourth row times the E01 with that verification left out (timing only: the
product always verifies), to show where the difference goes.
Shared machines are noisy: compare the ratios within one run. The goal of
the disk-image issue: E01 <= 1.3x the folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage_app.demo.synthetic import write_camera_corpus
from triage_app.evidence import sources
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.storage.case_store import CaseStore

SECTOR = 512
START = 2048  # first partition's sector


def build_card(photos: list[Path], work: Path) -> tuple[Path, Path]:
    """A raw FAT32 card holding ``photos`` under DCIM/100CAMERA, and its E01."""
    raw = work / "card.raw"
    payload = sum(p.stat().st_size for p in photos)
    size = max(64 << 20, int(payload * 1.15) + (48 << 20))
    size -= size % (1 << 20)
    with raw.open("wb") as handle:
        handle.truncate(size)
    subprocess.run(["sfdisk", "-q", str(raw)], input=f"label: dos\n{START},,c\n".encode(),
                   check=True)  # fmt: skip
    blocks = (size - START * SECTOR) // 1024
    subprocess.run(["mkfs.vfat", "-F", "32", "--offset", str(START), str(raw), str(blocks)],
                   check=True, capture_output=True)  # fmt: skip
    image = f"{raw}@@{START * SECTOR}"
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    subprocess.run(["mmd", "-i", image, "::DCIM", "::DCIM/100CAMERA"], check=True, env=env)
    subprocess.run(["mcopy", "-i", image, *map(str, photos), "::DCIM/100CAMERA/"],
                   check=True, env=env)  # fmt: skip
    target = work / "card"
    subprocess.run(["ewfacquire", "-u", "-q", "-t", str(target), "-c", "fast", str(raw)],
                   check=True, capture_output=True)  # fmt: skip
    return raw, work / "card.E01"


def timed(source: Path, workers: int, expect: int) -> float:
    """Seconds to ingest ``source`` into a fresh case."""
    with tempfile.TemporaryDirectory(prefix="triage-bench-case-") as tmp:
        case = Path(tmp) / "case"
        with CaseStore.create(case, reference="B", examiner="bench", password_hash="-") as store:
            start = time.perf_counter()
            result = ingest(store, source, "B/1", IngestOptions(workers=workers), actor="bench")
            elapsed = time.perf_counter() - start
        assert result.totals.hashed >= expect, result.totals
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir()) / "triage-bench-corpus"
    )
    args = parser.parse_args()
    missing = [t for t in ("sfdisk", "mkfs.vfat", "mcopy", "ewfacquire") if not shutil.which(t)]
    if missing:
        sys.exit(f"needs {', '.join(missing)} (Debian: fdisk dosfstools mtools ewf-tools)")
    photos = write_camera_corpus(args.corpus, args.count)
    with tempfile.TemporaryDirectory(prefix="triage-bench-card-") as tmp:
        work = Path(tmp)
        folder = work / "folder"
        folder.mkdir()
        for p in photos:
            shutil.copy(p, folder / p.name)
        raw, e01 = build_card(photos, work)
        mb = sum(p.stat().st_size for p in photos) / 1e6
        print(f"{len(photos)} JPEGs, {mb:.0f} MB; raw image {raw.stat().st_size / 1e6:.0f} MB, "
              f"E01 {e01.stat().st_size / 1e6:.0f} MB; workers={args.workers}")  # fmt: skip
        for path in (folder, raw, e01):  # warm the page cache for everyone
            for f in [path] if path.is_file() else path.iterdir():
                f.read_bytes()
        times: dict[str, list[float]] = {
            "folder": [], "raw image": [], "E01": [], "E01, verification skipped": []
        }  # fmt: skip
        verify = sources.DiskSource.start_verification
        for _ in range(args.rounds):
            for name, source in (("folder", folder), ("raw image", raw), ("E01", e01)):
                times[name].append(timed(source, args.workers, len(photos)))
            # Where the E01's extra time goes: the same ingest without re-hashing the media.
            sources.DiskSource.start_verification = lambda self, cancel=None: None  # type: ignore[method-assign]
            try:
                times["E01, verification skipped"].append(timed(e01, args.workers, len(photos)))
            finally:
                sources.DiskSource.start_verification = verify  # type: ignore[method-assign]
    base = statistics.median(times["folder"])
    print()
    print("| source | median s | images/s | vs folder |")
    print("|---|---:|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} | {len(photos) / median:.1f} | {median / base:.2f}x |")


if __name__ == "__main__":
    main()
