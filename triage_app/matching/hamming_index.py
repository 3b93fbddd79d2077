"""Exact Hamming-radius search over 64-bit perceptual hashes (multi-index hashing).

Layout (see :mod:`triage_app.matching.planner` for why it is correct):
``values``, every hash sorted ascending, with ``ids`` in the same order, and
one table per substring of the 64 bits (:mod:`.tables`). The search itself is
:mod:`.search`; the on-disk format :mod:`.index_store`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from triage_app.matching.bits import I64, U64, as_u64_array
from triage_app.matching.index_store import load_index, save_index
from triage_app.matching.matches import Matches, empty_matches, merge_matches
from triage_app.matching.planner import MAX_WIDTH, SearchPlan, choose_widths, plan_search
from triage_app.matching.search import Found, search_block
from triage_app.matching.tables import IndexParts, Table, build_tables

#: Tables address entries with 32-bit positions.
MAX_ENTRIES = 2**32 - 1


def check_distance(t: int) -> int:
    """``t`` as a Hamming distance in ``[0, 64]``, or raise."""
    if isinstance(t, bool) or not isinstance(t, int | np.integer):
        raise TypeError(f"distance must be an int, got {type(t).__name__}")
    if not 0 <= t <= 64:
        raise ValueError(f"distance must be within 0..64, got {t}")
    return int(t)


class HammingIndex:
    """All entries within Hamming distance ``t`` of 64-bit queries, exactly.

    Build with :meth:`build`, query with :meth:`search` / :meth:`search_many`,
    persist with :meth:`save` / :meth:`load`. ``max_distance`` only tunes the
    layout: any ``t`` in 0..64 is answered exactly (large ones fall back to a
    linear scan when that is cheaper).
    """

    def __init__(
        self,
        values: U64,
        ids: I64,
        tables: tuple[Table, ...],
        max_distance: int,
    ) -> None:
        """Wrap prepared arrays; use :meth:`build` or :meth:`load` instead."""
        self._parts = IndexParts(values, ids, tables, max_distance)
        self._plans: dict[int, SearchPlan] = {}

    # ----------------------------------------------------------------- build

    @classmethod
    def build(
        cls,
        hashes: ArrayLike,
        ids: ArrayLike | None = None,
        max_distance: int = 12,
        *,
        widths: Sequence[int] | None = None,
    ) -> HammingIndex:
        """Index ``hashes`` (uint64), reporting ``ids`` (int64; default: positions).

        Duplicate hashes are allowed; each entry is reported with its own id.
        ``widths`` overrides the substring layout the planner would choose
        (bits per table, most significant first, each 1..24, summing to at
        most 64); it is for tuning and tests.
        """
        values = as_u64_array(hashes, "hashes")
        max_distance = check_distance(max_distance)
        if values.size > MAX_ENTRIES:
            raise ValueError(f"a HammingIndex holds at most {MAX_ENTRIES} entries")
        id_arr = None if ids is None else _check_ids(ids, values.size)
        if widths is None:
            layout = choose_widths(int(values.size), max_distance)
        else:
            layout = tuple(int(w) for w in widths)
            if any(not 1 <= w <= MAX_WIDTH for w in layout) or sum(layout) > 64:
                raise ValueError(f"widths must be 1..{MAX_WIDTH} bits summing to <= 64: {layout}")
        order = np.argsort(values)
        sorted_values = values[order]
        sorted_ids = order.astype(np.int64, copy=False) if id_arr is None else id_arr[order]
        del order
        return cls(sorted_values, sorted_ids, build_tables(sorted_values, layout), max_distance)

    # ------------------------------------------------------------ inspection

    def __len__(self) -> int:
        """Number of entries (duplicates counted)."""
        return int(self._parts.values.size)

    def __repr__(self) -> str:
        """Size and layout, for logs."""
        return (
            f"HammingIndex(size={len(self)}, max_distance={self.max_distance}, "
            f"widths={list(self.widths)})"
        )

    @property
    def values(self) -> U64:
        """Every indexed hash, sorted ascending (read-only when loaded)."""
        return self._parts.values

    @property
    def ids(self) -> I64:
        """The id of each entry of :attr:`values`, in the same order."""
        return self._parts.ids

    @property
    def tables(self) -> tuple[Table, ...]:
        """The substring tables, most significant substring first."""
        return self._parts.tables

    @property
    def max_distance(self) -> int:
        """The distance the layout was tuned for."""
        return self._parts.max_distance

    @property
    def widths(self) -> tuple[int, ...]:
        """Bits per substring table, most significant first."""
        return tuple(table.width for table in self.tables)

    @property
    def nbytes(self) -> int:
        """Bytes held by the index arrays (mapped or in memory)."""
        arrays: list[NDArray[Any]] = [self.values, self.ids]
        for j, table in enumerate(self.tables):
            arrays.append(table.buckets)
            if j:  # table 0's data is ``values``
                arrays.append(table.data)
        return sum(int(a.nbytes) for a in arrays)

    def plan(self, t: int) -> SearchPlan:
        """The radii (or linear scan) the search uses for distance ``t``."""
        t = check_distance(t)
        plan = self._plans.get(t)
        if plan is None:
            entries = tuple(int(table.data.size) for table in self.tables)
            plan = plan_search(self.widths, entries, len(self), t)
            self._plans[t] = plan
        return plan

    def _custom_plan(self, t: int, radii: Sequence[int]) -> SearchPlan:
        chosen = tuple(int(r) for r in radii)
        if len(chosen) != len(self.tables):
            raise ValueError(f"radii needs one entry per table ({len(self.tables)})")
        if any(r < -1 for r in chosen) or sum(r + 1 for r in chosen) < t + 1:
            raise ValueError(f"radii {chosen} cannot guarantee every match within {t}")
        return SearchPlan(distance=t, radii=chosen, linear=False, cost=float("nan"))

    # ---------------------------------------------------------------- search

    def search(self, query: int, t: int) -> tuple[I64, I64]:
        """Ids and distances of every entry within ``t`` of ``query``, nearest first."""
        if isinstance(query, bool) or not isinstance(query, int | np.integer):
            raise TypeError(f"query must be an int, got {type(query).__name__}")
        if not 0 <= int(query) < 2**64:
            raise ValueError(f"query {query} is not a 64-bit unsigned value")
        found = self.search_many(np.array([int(query)], dtype=np.uint64), t)
        return found.ids, found.distances

    def search_many(
        self,
        queries: ArrayLike,
        t: int,
        *,
        workers: int = 1,
        radii: Sequence[int] | None = None,
    ) -> Matches:
        """Every (query, entry) pair within distance ``t``, as flat :class:`Matches`.

        The flat triple is what the vectorised search produces, so it is the
        fastest form; :meth:`Matches.per_query` splits it into one
        ``(ids, distances)`` pair per query. ``workers > 1`` splits the
        queries over that many threads (numpy releases the GIL in the heavy
        loops). ``radii`` (one per table, -1 to skip, ``sum(r + 1) > t``)
        overrides the planner, for tests and tuning; ``radii=()`` forces a
        linear scan.
        """
        q = as_u64_array(queries, "queries")
        t = check_distance(t)
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if radii is None:
            plan = self.plan(t)
        elif len(radii) == 0:
            plan = SearchPlan(distance=t, radii=(), linear=True, cost=float("nan"))
        else:
            plan = self._custom_plan(t, radii)
        if q.size == 0 or len(self) == 0:
            return empty_matches()
        parts = self._parts
        if workers == 1 or q.size < 2 * workers:
            return merge_matches(list(search_block(parts, q, t, plan)))
        bounds = np.linspace(0, q.size, workers + 1).astype(np.int64)
        blocks = [(int(a), int(b)) for a, b in itertools.pairwise(bounds)]

        def run(block: tuple[int, int]) -> list[Found]:
            start, stop = block
            found = list(search_block(parts, q[start:stop], t, plan))
            for qi, _, _ in found:
                qi += start
            return found

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return merge_matches([part for found in pool.map(run, blocks) for part in found])

    # ----------------------------------------------------------- persistence

    def save(self, path: str | Path, *, overwrite: bool = False) -> None:
        """Write the index to folder ``path`` (format: :mod:`.index_store`)."""
        save_index(self._parts, Path(path), overwrite=overwrite)

    @classmethod
    def load(cls, path: str | Path, *, verify: bool = False, mmap: bool = True) -> HammingIndex:
        """Open an index saved with :meth:`save`, memory-mapped unless ``mmap=False``.

        ``verify`` re-hashes the files against the SHA-256 in the manifest.
        """
        return cls(*load_index(Path(path), verify=verify, mmap=mmap))


def _check_ids(ids: ArrayLike, size: int) -> I64:
    arr = np.asarray(ids)
    if arr.shape != (size,):
        raise ValueError(f"ids has shape {arr.shape}, hashes has ({size},)")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"ids must be integers, got dtype {arr.dtype}")
    if arr.dtype == np.uint64 and int(arr.max()) >= 2**63:
        raise ValueError("ids must fit in int64")
    return arr.astype(np.int64)
