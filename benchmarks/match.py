"""Exact Hamming-radius matching of 64-bit pHashes: HammingIndex vs brute force vs faiss.

    python benchmarks/match.py [--sizes 1000000 10000000] [--queries 100000] [--t 4 8 12]
                               [--brute-queries 300] [--faiss-budget 60] [--threads 1]
                               [--tune-queries 200] [--tune-seconds 3]

    python benchmarks/match.py --pdq [pdq_match.py's options]   (256-bit PDQ, 10M, t=31)

For each size N it generates N random known hashes, of which, for every
query, one planted entry per requested T sits at a random distance 0..T and
one more at a random distance 0..max(T) (so there are near misses too); then
for each T it reports build time, index bytes, process RSS growth, queries/s
and recall for:

  HammingIndex   triage_app.matching (multi-index hashing), on every query;
  brute force    numpy XOR + bitwise_count over the whole array, on the first
                 --brute-queries queries (throughput extrapolated, marked ~);
                 its answers are the ground truth for "exact recall";
  faiss IndexBinaryMultiHash
                 range_search(radius=T+1) (faiss keeps distances < radius),
                 nflip = T // nhash, which the pigeonhole bound makes exact;
  faiss IndexBinaryHash
                 range_search(radius=T+1), nflip = min(T, b) (exact).

faiss runs only if importable. Its parameters are tuned in the same run:
IndexBinaryMultiHash tries, for nhash = 2..5, the b that a look-ups +
candidates model favours; IndexBinaryHash tries b = 8, 12, 16, 20. Each is
timed on a small query sample at every T and the fastest per T is then
measured like the others (the tuning table is printed too). A faiss run
that would exceed --faiss-budget seconds stops after as many queries as fit
(at least --brute-queries) and its throughput is marked ~ (extrapolated).

Recall: "exact" against brute force on the first --brute-queries queries;
"planted" is the share of planted (query, entry, distance <= T) pairs found
over every query the method answered. Every reported pair is re-checked
(distance recomputed); "wrong" counts pairs farther than T or with a wrong
distance. --threads applies to the index (workers=) and to faiss (OpenMP).
RSS growth is measured around each build after returning freed heap to the
OS (malloc_trim), and can still under-count pages the process reuses.

The machine is shared and noisy: compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import gc
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage_app.matching import HammingIndex, popcount64

try:
    import faiss
except ImportError:  # optional: the product never needs it
    faiss = None

U64_MAX = 2**64 - 1
Triple = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]


# ------------------------------------------------------------------- helpers


def rss_bytes() -> int:
    """Current resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def popcount(x: NDArray[np.uint64]) -> NDArray[np.uint8]:
    return popcount64(x)


def random_masks(rng: np.random.Generator, distances: NDArray[np.int64]) -> NDArray[np.uint64]:
    """One 64-bit mask per row with exactly ``distances[i]`` bits set."""
    out = np.zeros(distances.size, dtype=np.uint64)
    step = 50_000
    bit_values = np.uint64(1) << np.arange(64, dtype=np.uint64)
    for start in range(0, distances.size, step):
        d = distances[start : start + step]
        order = np.argsort(rng.random((d.size, 64)), axis=1)
        chosen = np.arange(64)[None, :] < d[:, None]
        picked = np.where(chosen, bit_values[order], np.uint64(0))
        out[start : start + step] = np.bitwise_or.reduce(picked, axis=1)
    return out


@dataclass
class Dataset:
    known: NDArray[np.uint64]
    queries: NDArray[np.uint64]
    # planted (query index, entry index, distance)
    planted_q: NDArray[np.int64]
    planted_e: NDArray[np.int64]
    planted_d: NDArray[np.int64]


def make_dataset(size: int, n_queries: int, ts: list[int], seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    queries = rng.integers(0, U64_MAX, size=n_queries, dtype=np.uint64, endpoint=True)
    q_parts, d_parts = [], []
    for t in [*ts, max(ts)]:
        q_parts.append(np.arange(n_queries, dtype=np.int64))
        d_parts.append(rng.integers(0, t, size=n_queries, endpoint=True).astype(np.int64))
    planted_q = np.concatenate(q_parts)
    planted_d = np.concatenate(d_parts)
    if planted_q.size > size:
        raise SystemExit(f"--sizes {size} is too small for {planted_q.size} planted entries")
    planted = queries[planted_q] ^ random_masks(rng, planted_d)
    background = rng.integers(0, U64_MAX, size=size - planted.size, dtype=np.uint64, endpoint=True)
    known = np.concatenate([planted, background])
    perm = rng.permutation(size)
    known = known[perm]
    where = np.empty(size, dtype=np.int64)
    where[perm] = np.arange(size, dtype=np.int64)
    planted_e = where[: planted.size]
    return Dataset(known, queries, planted_q, planted_e, planted_d)


def pair_keys(qi: NDArray[np.int64], ids: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    return qi.astype(np.int64) * size + ids.astype(np.int64)


@dataclass
class Row:
    size: int
    t: int
    method: str
    config: str
    build_s: float | None
    index_bytes: int | None
    rss_growth: int | None
    queries: int
    qps: float
    extrapolated: bool
    exact_recall: float | None
    planted_recall: float
    wrong: int
    notes: list[str] = field(default_factory=list)


def score(
    data: Dataset,
    truth: dict[int, NDArray[np.int64]],
    t: int,
    found: Triple,
    answered: int,
    brute_n: int,
) -> tuple[float | None, float, int]:
    """Exact recall (vs brute force), planted recall and wrong pairs of one result."""
    qi, ids, dist = found
    size = data.known.size
    real = popcount(data.known[ids] ^ data.queries[qi]).astype(np.int64)
    wrong = int(np.count_nonzero((real != dist) | (real > t)))
    keys = pair_keys(qi, ids, size)
    exact = None
    if answered >= brute_n:
        expected = truth[t]
        got = keys[qi < brute_n]
        exact = float(np.isin(expected, got).mean()) if expected.size else 1.0
    sel = (data.planted_d <= t) & (data.planted_q < answered)
    planted = pair_keys(data.planted_q[sel], data.planted_e[sel], size)
    planted_recall = float(np.isin(planted, keys).mean()) if planted.size else 1.0
    return exact, planted_recall, wrong


# ------------------------------------------------------------- the methods


def brute_force(known: NDArray[np.uint64], queries: NDArray[np.uint64], t: int) -> Triple:
    buf = np.empty_like(known)
    qi_parts, id_parts, d_parts = [], [], []
    for i, q in enumerate(queries):
        np.bitwise_xor(known, q, out=buf)
        dist = popcount(buf)
        pos = np.flatnonzero(dist <= t)
        qi_parts.append(np.full(pos.size, i, dtype=np.int64))
        id_parts.append(pos.astype(np.int64))
        d_parts.append(dist[pos].astype(np.int64))
    return (
        np.concatenate(qi_parts),
        np.concatenate(id_parts),
        np.concatenate(d_parts),
    )


def faiss_codes(values: NDArray[np.uint64]) -> NDArray[np.uint8]:
    """uint64 hashes as faiss binary codes (8 bytes each; bit order is irrelevant to XOR)."""
    return np.ascontiguousarray(values).view(np.uint8).reshape(-1, 8)


def faiss_range(index: Any, t: int, queries: NDArray[np.uint64]) -> Triple:
    lims, dist, ids = index.range_search(faiss_codes(queries), t + 1)
    counts = np.diff(lims).astype(np.int64)
    qi = np.repeat(np.arange(queries.size, dtype=np.int64), counts)
    return qi, ids.astype(np.int64), dist.astype(np.int64)


def ball(width: int, radius: int) -> int:
    return sum(math.comb(width, k) for k in range(min(radius, width) + 1))


def multihash_cost(size: int, ts: list[int], nhash: int, b: int) -> float:
    """Modelled hash-map look-ups + shortlist candidates per query, summed over T.

    Exactness needs nflip = T // nhash (pigeonhole over nhash * b <= 64 bits).
    """
    return sum(nhash * ball(b, t // nhash) * (1 + size / 2**b) for t in ts)


#: IndexBinaryHash widths tried (exact needs nflip = min(T, b), so wide tables
#: only pay off at small T).
HASH_BITS = [8, 12, 16, 20]


def multihash_candidates(size: int, ts: list[int]) -> list[tuple[int, int]]:
    """Best modelled (nhash, b) for each nhash in 2..5 (see multihash_cost)."""
    out = []
    for nhash in range(2, 6):
        widths = range(8, min(32, 64 // nhash) + 1)
        b = min(widths, key=lambda b: multihash_cost(size, ts, nhash, b))
        out.append((nhash, b))
    return out


def describe(config: Any) -> str:
    if isinstance(config, tuple):
        return f"nhash={config[0]} b={config[1]}"
    return f"b={config}"


def sample_qps(run: Callable[[NDArray[np.uint64]], Triple], sample: NDArray[np.uint64],
               seconds: float) -> float:  # fmt: skip
    """Queries/s on a few queries, growing the sample while it stays under ``seconds``.

    One untimed warm-up query first; the best of two timings of the final
    sample, since a shared machine's hiccups only ever slow a run down.
    """
    run(sample[:1])
    count = min(5, sample.size)
    while True:
        start = time.perf_counter()
        run(sample[:count])
        elapsed = time.perf_counter() - start
        if count >= sample.size or elapsed * 4 > seconds:
            start = time.perf_counter()
            run(sample[:count])
            elapsed = min(elapsed, time.perf_counter() - start)
            return count / elapsed
        count = min(sample.size, count * 4)


def release_memory() -> None:
    """Collect garbage and hand freed heap back to the OS, so RSS deltas mean something."""
    gc.collect()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def timed_budget(
    run: Callable[[NDArray[np.uint64]], Triple],
    queries: NDArray[np.uint64],
    minimum: int,
    budget: float,
) -> tuple[Triple, int, float, bool]:
    """Run on a probe batch, then on as many queries as fit the budget (>= minimum)."""
    probe = min(queries.size, max(minimum, 1))
    start = time.perf_counter()
    found = run(queries[:probe])
    elapsed = time.perf_counter() - start
    if probe == queries.size:
        return found, probe, elapsed, False
    per_query = elapsed / probe
    count = min(queries.size, max(probe, int(budget / max(per_query, 1e-9))))
    if count == probe:
        return found, probe, elapsed, True
    start = time.perf_counter()
    found = run(queries[:count])
    elapsed = time.perf_counter() - start
    return found, count, elapsed, count < queries.size


# --------------------------------------------------------------------- main


def bench_size(
    size: int, args: argparse.Namespace, rows: list[Row], extra: list[str], tuning: list[str]
) -> None:
    ts: list[int] = args.t
    log(f"== N={size:,}: generating data")
    data = make_dataset(size, args.queries, ts, seed=size)
    nq = data.queries.size
    brute_n = min(args.brute_queries, nq)
    truth: dict[int, NDArray[np.int64]] = {}

    # (b) brute force: ground truth on the first brute_n queries.
    for t in ts:
        log(f"   brute force T={t} on {brute_n} queries")
        start = time.perf_counter()
        found = brute_force(data.known, data.queries[:brute_n], t)
        elapsed = time.perf_counter() - start
        truth[t] = np.unique(pair_keys(found[0], found[1], size))
        exact, planted, wrong = score(data, truth, t, found, brute_n, brute_n)
        rows.append(
            Row(size, t, "numpy brute force", "XOR + bitwise_count, 1 thread", None,
                data.known.nbytes, 0, brute_n, brute_n / elapsed, brute_n < nq,
                exact, planted, wrong)
        )  # fmt: skip

    # (a) HammingIndex
    release_memory()
    rss0 = rss_bytes()
    start = time.perf_counter()
    index = HammingIndex.build(data.known, max_distance=max(ts))
    build_s = time.perf_counter() - start
    gc.collect()
    growth = rss_bytes() - rss0
    log(f"   index built in {build_s:.2f}s: {index!r}")
    index_results: dict[int, Triple] = {}
    for t in ts:
        plan = index.plan(t)
        log(f"   index T={t} plan={plan.radii or 'linear'}")
        start = time.perf_counter()
        found_m = index.search_many(data.queries, t, workers=args.threads)
        elapsed = time.perf_counter() - start
        found = (found_m.query_index, found_m.ids, found_m.distances)
        index_results[t] = found
        exact, planted, wrong = score(data, truth, t, found, nq, brute_n)
        config = f"widths={list(index.widths)} radii={list(plan.radii)}"
        rows.append(
            Row(size, t, "HammingIndex", config, build_s, index.nbytes, growth, nq,
                nq / elapsed, False, exact, planted, wrong)
        )  # fmt: skip

    # Persistence: save, mmap load, search the loaded copy.
    with tempfile.TemporaryDirectory(prefix="hidx-") as tmp:
        folder = Path(tmp) / "index"
        start = time.perf_counter()
        index.save(folder)
        save_s = time.perf_counter() - start
        start = time.perf_counter()
        loaded = HammingIndex.load(folder)
        load_s = time.perf_counter() - start
        t = max(ts)
        sample = data.queries[: min(nq, 20_000)]
        start = time.perf_counter()
        again = loaded.search_many(sample, t, workers=args.threads)
        loaded_s = time.perf_counter() - start
        mine = index.search_many(sample, t)
        same = all(np.array_equal(a, b) for a, b in zip(again, mine, strict=True))
        extra.append(
            f"| {size:,} | {save_s:.2f} | {load_s * 1000:.1f} | {t} | {sample.size:,} | "
            f"{sample.size / loaded_s:,.0f} | {'yes' if same else 'NO'} |"
        )
        del loaded, again, mine
    del index
    release_memory()

    if faiss is None:
        return
    faiss.omp_set_num_threads(args.threads)
    sample = data.queries[: args.tune_queries]
    kinds: list[tuple[str, list[Any], Callable[[Any], Any], Callable[[Any, int], int]]] = [
        (
            "faiss IndexBinaryMultiHash",
            multihash_candidates(size, ts),
            lambda c: faiss.IndexBinaryMultiHash(64, c[0], c[1]),
            lambda c, t: t // c[0],  # pigeonhole over nhash tables: exact
        ),
        (
            "faiss IndexBinaryHash",
            HASH_BITS,
            lambda c: faiss.IndexBinaryHash(64, c),
            lambda c, t: min(t, c),  # every bucket within T of the b-bit key: exact
        ),
    ]
    for method, configs, make, nflip_for in kinds:
        # Tune: every candidate configuration on a small sample, per T.
        speed: dict[Any, dict[int, float]] = {}
        for config in configs:
            index = make(config)
            index.add(faiss_codes(data.known))
            speed[config] = {}
            for t in ts:
                index.nflip = nflip_for(config, t)
                speed[config][t] = sample_qps(
                    functools.partial(faiss_range, index, t), sample, args.tune_seconds
                )
            log(f"   tuning {method} {describe(config)}: {speed[config]}")
            del index
            release_memory()
        for config in configs:
            cells = " | ".join(f"{speed[config][t]:,.0f}" for t in ts)
            tuning.append(f"| {size:,} | {method} | {describe(config)} | {cells} |")
        best = {t: max(configs, key=lambda c, t=t: speed[c][t]) for t in ts}
        # Measure: the best configuration per T, built afresh.
        for config in dict.fromkeys(best[t] for t in ts):
            release_memory()
            rss0 = rss_bytes()
            start = time.perf_counter()
            index = make(config)
            index.add(faiss_codes(data.known))
            build_s = time.perf_counter() - start
            growth = rss_bytes() - rss0
            log(f"   {method} {describe(config)} built in {build_s:.2f}s")
            for t in ts:
                if best[t] != config:
                    continue
                index.nflip = nflip_for(config, t)
                found, count, elapsed, partial = timed_budget(
                    functools.partial(faiss_range, index, t),
                    data.queries,
                    brute_n,
                    args.faiss_budget,
                )
                exact, planted, wrong = score(data, truth, t, found, count, brute_n)
                rows.append(
                    Row(size, t, method, f"{describe(config)} nflip={index.nflip}", build_s,
                        None, growth, count, count / elapsed, partial, exact, planted, wrong)
                )  # fmt: skip
            del index
            release_memory()


def fmt_mb(value: int | None) -> str:
    return "—" if value is None else f"{value / 2**20:,.0f}"


def fmt_recall(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def render(rows: list[Row], args: argparse.Namespace) -> str:
    lines = [
        "| N | T | method | configuration | build s | index MiB | RSS +MiB | queries timed "
        "| queries/s | index speed-up | exact recall | planted recall | wrong |",
        "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in args.sizes:
        for t in args.t:
            group = [r for r in rows if r.size == size and r.t == t]
            mine = next((r for r in group if r.method == "HammingIndex"), None)
            for r in group:
                speedup = "—"
                if mine is not None and r is not mine:
                    speedup = f"{mine.qps / r.qps:,.1f}×"
                qps = f"{'~' if r.extrapolated else ''}{r.qps:,.0f}"
                build = "—" if r.build_s is None else f"{r.build_s:.2f}"
                growth = fmt_mb(r.rss_growth)
                lines.append(
                    f"| {size:,} | {t} | {r.method} | {r.config} | {build} | "
                    f"{fmt_mb(r.index_bytes)} | {growth} | {r.queries:,} | {qps} | {speedup} | "
                    f"{fmt_recall(r.exact_recall)} | {fmt_recall(r.planted_recall)} | {r.wrong} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["--pdq"]:
        # 256-bit PDQ: PdqIndex vs brute force vs faiss IndexBinaryFlat/MultiHash.
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import pdq_match

        return int(pdq_match.main(args_in[1:]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--t", type=int, nargs="+", default=[4, 8, 12])
    parser.add_argument("--brute-queries", type=int, default=300)
    parser.add_argument("--faiss-budget", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tune-queries", type=int, default=200)
    parser.add_argument("--tune-seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    args.t = sorted(set(args.t))

    started = time.perf_counter()
    load_before = os.getloadavg()
    rows: list[Row] = []
    persistence: list[str] = []
    tuning: list[str] = []
    for size in args.sizes:
        bench_size(size, args, rows, persistence, tuning)

    print("# Hamming-radius matching benchmark\n")
    print(f"command: `python {' '.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])}`  ")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"faiss {getattr(faiss, '__version__', 'not installed')}, "
        f"{os.cpu_count()} CPUs, threads={args.threads}, "
        f"load average {load_before[0]:.1f} at start / {os.getloadavg()[0]:.1f} at end, "
        f"total {time.perf_counter() - started:,.0f}s  "
    )
    print(
        "queries/s marked ~ were measured on the first 'queries timed' queries only and "
        "extrapolated; 'index speed-up' is HammingIndex queries/s over that row's. "
        "Exact recall is against brute force on the first "
        f"{args.brute_queries} queries; planted recall over all queries the method answered.\n"
    )
    print(render(rows, args))
    print("\nPersistence (HammingIndex.save / mmap load, then search the loaded copy):\n")
    print("| N | save s | load ms | T | queries | queries/s after load | same results |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(persistence))
    if tuning:
        print(
            "\nfaiss tuning: queries/s of each candidate configuration on the first "
            f"<= {args.tune_queries} queries (sample grown while under {args.tune_seconds:g}s); "
            "the fastest per T is the one measured above:\n"
        )
        print("| N | index | configuration | " + " | ".join(f"T={t}" for t in args.t) + " |")
        print("|---:|---|---|" + "---:|" * len(args.t))
        print("\n".join(tuning))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
