"""Exact Hamming-radius matching of 256-bit PDQ hashes: PdqIndex vs brute force vs faiss.

    python benchmarks/pdq_match.py [--size 10000000] [--queries 20000] [--t 31]
                                   [--brute-queries 100] [--faiss-budget 60]
                                   [--multihash 16x16 [11x23 ...]] [--threads 1]

Generates --size uniformly random 256-bit hashes (the hard case: real PDQ
lists are clumpier, which only helps a linear scan), of which, for every
query, one planted entry sits at a random distance 0..T and one near miss at
T+1..T+9. Then reports build time, index bytes, RSS growth, queries/s and
recall for:

  PdqIndex       triage_app.matching (multi-index hashing, planner's layout),
                 on every query;
  brute force    numpy XOR + bitwise_count over the (N, 4) array, on the first
                 --brute-queries queries: the ground truth for "exact recall";
  faiss IndexBinaryFlat
                 range_search(radius=T+1) (faiss keeps distances < radius);
  faiss IndexBinaryMultiHash
                 one build per --multihash NHASHxB, nflip = T // nhash (which
                 the pigeonhole bound makes exact), range_search(radius=T+1).

faiss runs only if importable (``pip install -e .[bench]``). A faiss run that
would exceed --faiss-budget seconds stops after as many queries as fit (at
least --brute-queries) and its queries/s is marked ~. "planted" recall is the
share of planted pairs within T found over every query a method answered;
every reported pair is re-checked ("wrong": farther than T or a wrong
distance). RSS growth is measured around each build after returning freed
heap to the OS. The machine is shared: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from match import log, release_memory, rss_bytes, timed_budget

from triage_app.matching import PdqIndex

try:
    import faiss
except ImportError:  # optional: the product never needs it
    faiss = None

U64_MAX = 2**64 - 1
Triple = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]


def distances(rows: NDArray[np.uint64], query: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Hamming distance of every row to ``query``, in cache-sized blocks.

    The query is tiled to the block's shape first: broadcasting over the
    4-word axis is several times slower.
    """
    step = 1 << 14
    tiled = np.tile(query, (step, 1))
    out = np.empty(rows.shape[0], dtype=np.int64)
    for lo in range(0, rows.shape[0], step):
        block = rows[lo : lo + step]
        counts = np.bitwise_count(block ^ tiled[: block.shape[0]])
        d = counts[:, 0].astype(np.int64)
        for k in (1, 2, 3):
            d += counts[:, k]
        out[lo : lo + step] = d
    return out


def flip_masks(rng: np.random.Generator, d: NDArray[np.int64]) -> NDArray[np.uint64]:
    """One (4,) mask per row with exactly ``d[i]`` of its 256 bits set."""
    order = np.argsort(rng.random((d.size, 256)), axis=1)
    chosen = np.zeros((d.size, 256), dtype=bool)
    np.put_along_axis(chosen, order, np.arange(256)[None, :] < d[:, None], axis=1)
    packed = np.packbits(chosen, axis=1)  # big-endian bits: bit 0 is the top of word 0
    return packed.view(">u8").astype(np.uint64)


@dataclass
class Dataset:
    known: NDArray[np.uint64]
    queries: NDArray[np.uint64]
    planted_q: NDArray[np.int64]
    planted_e: NDArray[np.int64]
    planted_d: NDArray[np.int64]


def make_dataset(size: int, n_queries: int, t: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    queries = rng.integers(0, U64_MAX, size=(n_queries, 4), dtype=np.uint64, endpoint=True)
    planted_q = np.tile(np.arange(n_queries, dtype=np.int64), 2)
    planted_d = np.concatenate([rng.integers(0, t, n_queries, endpoint=True),
                                rng.integers(t + 1, t + 9, n_queries, endpoint=True)])  # fmt: skip
    if planted_q.size > size:
        raise SystemExit(f"--size {size} is too small for {planted_q.size} planted entries")
    planted = np.concatenate([queries[planted_q[i : i + 20_000]] ^
                              flip_masks(rng, planted_d[i : i + 20_000])
                              for i in range(0, planted_q.size, 20_000)])  # fmt: skip
    known = rng.integers(0, U64_MAX, size=(size, 4), dtype=np.uint64, endpoint=True)
    planted_e = rng.choice(size, size=planted.shape[0], replace=False).astype(np.int64)
    known[planted_e] = planted
    return Dataset(known, queries, planted_q, planted_e, planted_d)


def brute_force(known: NDArray[np.uint64], queries: NDArray[np.uint64], t: int) -> Triple:
    parts = []
    for i, q in enumerate(queries):
        d = distances(known, q)
        pos = np.flatnonzero(d <= t)
        parts.append((np.full(pos.size, i, dtype=np.int64), pos.astype(np.int64), d[pos]))
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(3))  # type: ignore[return-value]


def faiss_range(index: Any, t: int, queries: NDArray[np.uint64]) -> Triple:
    codes = np.ascontiguousarray(queries).view(np.uint8).reshape(-1, 32)
    lims, dist, ids = index.range_search(codes, t + 1)
    qi = np.repeat(np.arange(queries.shape[0], dtype=np.int64), np.diff(lims).astype(np.int64))
    return qi, ids.astype(np.int64), dist.astype(np.int64)


@dataclass
class Row:
    method: str
    config: str
    build_s: float | None
    index_bytes: int | None
    rss_growth: int | None
    queries: int
    qps: float
    extrapolated: bool
    exact: float | None
    planted: float
    wrong: int


def score(data: Dataset, truth: NDArray[np.int64], t: int, found: Triple, answered: int,
          brute_n: int) -> tuple[float | None, float, int]:  # fmt: skip
    qi, ids, dist = found
    size = data.known.shape[0]
    real = np.bitwise_count(data.known[ids] ^ data.queries[qi]).sum(axis=1, dtype=np.int64)
    wrong = int(np.count_nonzero((real != dist) | (real > t)))
    keys = qi * size + ids
    exact = None
    if answered >= brute_n:
        exact = float(np.isin(truth, keys[qi < brute_n]).mean()) if truth.size else 1.0
    sel = (data.planted_d <= t) & (data.planted_q < answered)
    planted = data.planted_q[sel] * size + data.planted_e[sel]
    return exact, float(np.isin(planted, keys).mean()) if planted.size else 1.0, wrong


def run_faiss(data: Dataset, args: argparse.Namespace, truth: NDArray[np.int64],
              brute_n: int, rows: list[Row]) -> None:  # fmt: skip
    faiss.omp_set_num_threads(args.threads)
    codes = np.ascontiguousarray(data.known).view(np.uint8).reshape(-1, 32)
    configs: list[tuple[str, str, Any]] = [("faiss IndexBinaryFlat", "", None)]
    for spec in args.multihash:
        nhash, b = (int(x) for x in spec.lower().split("x"))
        configs.append(("faiss IndexBinaryMultiHash", spec, (nhash, b)))
    for method, spec, hb in configs:
        release_memory()
        rss0 = rss_bytes()
        start = time.perf_counter()
        if hb is None:
            index = faiss.IndexBinaryFlat(256)
            config = "range_search"
        else:
            index = faiss.IndexBinaryMultiHash(256, hb[0], hb[1])
            index.nflip = args.t // hb[0]
            config = f"nhash={hb[0]} b={hb[1]} nflip={index.nflip}"
        index.add(codes)
        build_s = time.perf_counter() - start
        growth = rss_bytes() - rss0
        log(f"   {method} {spec} built in {build_s:.1f}s, RSS +{growth / 2**20:,.0f} MiB")
        found, count, elapsed, partial = timed_budget(
            functools.partial(faiss_range, index, args.t), data.queries, brute_n,
            args.faiss_budget)  # fmt: skip
        exact, planted, wrong = score(data, truth, args.t, found, count, brute_n)
        rows.append(Row(method, config, build_s, None, growth, count, count / elapsed, partial,
                        exact, planted, wrong))  # fmt: skip
        del index, found
        release_memory()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--t", type=int, default=31)
    parser.add_argument("--brute-queries", type=int, default=100)
    parser.add_argument("--faiss-budget", type=float, default=60.0)
    parser.add_argument("--multihash", nargs="*", default=["16x16"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=256)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()
    rss_start = rss_bytes()

    log(f"== N={args.size:,}: generating data")
    data = make_dataset(args.size, args.queries, args.t, args.seed)
    nq = data.queries.shape[0]
    brute_n = min(args.brute_queries, nq)
    rows: list[Row] = []

    log(f"   brute force on {brute_n} queries")
    start = time.perf_counter()
    found = brute_force(data.known, data.queries[:brute_n], args.t)
    elapsed = time.perf_counter() - start
    truth = np.unique(found[0] * args.size + found[1])
    exact, planted, wrong = score(data, truth, args.t, found, brute_n, brute_n)
    rows.append(Row("numpy brute force", "XOR + bitwise_count, 1 thread", None,
                    data.known.nbytes, 0, brute_n, brute_n / elapsed, brute_n < nq,
                    exact, planted, wrong))  # fmt: skip

    release_memory()
    rss0 = rss_bytes()
    start = time.perf_counter()
    index = PdqIndex.build(data.known, max_distance=args.t)
    build_s = time.perf_counter() - start
    growth = rss_bytes() - rss0
    plan = index.plan(args.t)
    log(f"   {index!r} built in {build_s:.1f}s, radii {plan.radii}")
    index.search_many(data.queries[:20], args.t)  # warm-up
    start = time.perf_counter()
    result = index.search_many(data.queries, args.t, workers=args.threads)
    elapsed = time.perf_counter() - start
    found = (result.query_index, result.ids, result.distances)
    exact, planted, wrong = score(data, truth, args.t, found, nq, brute_n)
    rss_after_queries = rss_bytes() - rss0
    config = f"widths={list(index.widths)} radii={list(plan.radii)}"
    rows.append(Row("PdqIndex", config, build_s, index.nbytes, growth, nq, nq / elapsed, False,
                    exact, planted, wrong))  # fmt: skip
    del index, result, found
    release_memory()

    if faiss is not None:
        run_faiss(data, args, truth, brute_n, rows)

    print("# PDQ (256-bit) Hamming-radius matching benchmark\n")
    print(f"command: `python {' '.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])}`  ")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"faiss {getattr(faiss, '__version__', 'not installed')}, {os.cpu_count()} CPUs, "
        f"threads={args.threads}, load average {load_before[0]:.1f} at start / "
        f"{os.getloadavg()[0]:.1f} at end, total {time.perf_counter() - started:,.0f}s  "
    )
    print(
        f"N={args.size:,} uniformly random hashes, T={args.t}, {nq:,} queries, each with one "
        f"planted neighbour at 0..{args.t} and one near miss at {args.t + 1}..{args.t + 9}. "
        f"Exact recall vs brute force on the first {brute_n} queries; ~ = extrapolated from "
        f"'queries timed'. Data itself: {data.known.nbytes / 2**20:,.0f} MiB; process RSS "
        f"{rss_start / 2**20:,.0f} MiB at start. PdqIndex RSS growth including its queries: "
        f"{rss_after_queries / 2**20:,.0f} MiB.\n"
    )
    print("| method | configuration | build s | index MiB | RSS +MiB | queries timed | "
          "queries/s | PdqIndex speed-up | exact recall | planted recall | wrong |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    mine = next(r for r in rows if r.method == "PdqIndex")
    for r in rows:
        speedup = "—" if r is mine else f"{mine.qps / r.qps:,.1f}×"
        print(
            f"| {r.method} | {r.config} | {'—' if r.build_s is None else f'{r.build_s:.1f}'} | "
            f"{'—' if r.index_bytes is None else f'{r.index_bytes / 2**20:,.0f}'} | "
            f"{'—' if r.rss_growth is None else f'{r.rss_growth / 2**20:,.0f}'} | "
            f"{r.queries:,} | {'~' if r.extrapolated else ''}{r.qps:,.0f} | {speedup} | "
            f"{'—' if r.exact is None else f'{r.exact:.4f}'} | {r.planted:.4f} | {r.wrong} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
