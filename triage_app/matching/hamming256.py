"""Exact Hamming-radius search over 256-bit PDQ hashes (multi-index hashing).

Layout: ``values``, every hash as a row of four uint64 words (big-endian word
order, :mod:`.hex256`), ``ids`` aligned with it, and one table per substring
(:mod:`.tables256`) holding entry positions sorted by that substring. The
planner (:mod:`.planner256`) picks the widths at build and the radii per
query distance; the search is :mod:`.search256`, the on-disk format
:mod:`.store256`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from triage_app.matching.bits import I64
from triage_app.matching.hamming_index import _check_ids
from triage_app.matching.hex256 import (
    BITS,
    U64X4,
    as_u64x4_array,
    hex_to_u64x4,
    int_to_u64x4,
)
from triage_app.matching.matches import Matches, empty_matches, merge_matches
from triage_app.matching.planner import SearchPlan
from triage_app.matching.planner256 import MAX_WIDTH, choose_widths, plan_search
from triage_app.matching.search256 import Found, search_block
from triage_app.matching.store256 import load_index256, save_index256
from triage_app.matching.tables256 import Parts256, Table256, build_tables

#: Tables address entries with 32-bit positions.
MAX_ENTRIES = 2**32 - 1
#: Meta's published PDQ match threshold.
PDQ_DISTANCE = 31


def check_distance256(t: int) -> int:
    """``t`` as a Hamming distance in ``[0, 256]``, or raise."""
    if isinstance(t, bool) or not isinstance(t, int | np.integer):
        raise TypeError(f"distance must be an int, got {type(t).__name__}")
    if not 0 <= t <= BITS:
        raise ValueError(f"distance must be within 0..{BITS}, got {t}")
    return int(t)


def query_words(query: ArrayLike | int | str) -> U64X4:
    """One query (four words, a 256-bit int or 64 hex digits) as a ``(1, 4)`` array."""
    if isinstance(query, str):
        return hex_to_u64x4([query])
    if isinstance(query, int | np.integer) and not isinstance(query, bool):
        return int_to_u64x4(int(query)).reshape(1, 4)
    if isinstance(query, bool):
        raise TypeError("query must be four words, an int or a hex string, not bool")
    one = query.reshape(1, -1) if isinstance(query, np.ndarray) else np.array([query], object)
    rows = as_u64x4_array(one, "query")
    if rows.shape != (1, 4):
        raise ValueError(f"query must be one hash, got {rows.shape[0]} rows")
    return rows


class PdqIndex:
    """All entries within Hamming distance ``t`` of 256-bit queries, exactly.

    Build with :meth:`build`, query with :meth:`search` / :meth:`search_many`,
    persist with :meth:`save` / :meth:`load`. ``max_distance`` (default: PDQ's
    31) only tunes the layout: any ``t`` in 0..256 is answered exactly (large
    ones by a linear scan when that is cheaper).
    """

    def __init__(self, parts: Parts256) -> None:
        """Wrap prepared arrays; use :meth:`build` or :meth:`load` instead."""
        self._parts = parts
        self._plans: dict[int, SearchPlan] = {}

    @classmethod
    def build(
        cls,
        values: ArrayLike,
        ids: ArrayLike | None = None,
        max_distance: int = PDQ_DISTANCE,
        *,
        widths: Sequence[int] | None = None,
    ) -> PdqIndex:
        """Index ``values`` (``(n, 4)`` uint64), reporting ``ids`` (int64; default: positions).

        Duplicate hashes are allowed; each entry is reported with its own id.
        ``widths`` overrides the planner's substring layout (bits per table,
        most significant first, each 1..24, summing to at most 256), for
        tuning and tests.
        """
        rows = as_u64x4_array(values, "values")
        max_distance = check_distance256(max_distance)
        size = rows.shape[0]
        if size > MAX_ENTRIES:
            raise ValueError(f"a PdqIndex holds at most {MAX_ENTRIES} entries")
        id_arr = np.arange(size, dtype=np.int64) if ids is None else _check_ids(ids, size)
        if widths is None:
            layout = choose_widths(size, max_distance)
        else:
            layout = tuple(int(w) for w in widths)
            if any(not 1 <= w <= MAX_WIDTH for w in layout) or sum(layout) > BITS:
                raise ValueError(f"widths must be 1..{MAX_WIDTH} bits summing to <= 256: {layout}")
        if rows is values:
            rows = rows.copy()  # the index must not change under the caller's feet
        return cls(Parts256(rows, id_arr, build_tables(rows, layout), max_distance))

    # ------------------------------------------------------------ inspection

    def __len__(self) -> int:
        """Number of entries (duplicates counted)."""
        return int(self._parts.values.shape[0])

    def __repr__(self) -> str:
        """Size and layout, for logs."""
        return (
            f"PdqIndex(size={len(self)}, max_distance={self.max_distance}, "
            f"widths={list(self.widths)})"
        )

    @property
    def values(self) -> U64X4:
        """Every indexed hash, ``(n, 4)``, in build order (read-only when loaded)."""
        return self._parts.values

    @property
    def ids(self) -> I64:
        """The id of each row of :attr:`values`."""
        return self._parts.ids

    @property
    def tables(self) -> tuple[Table256, ...]:
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
        for table in self.tables:
            arrays += [table.order, table.offsets]
        return sum(int(a.nbytes) for a in arrays)

    def plan(self, t: int) -> SearchPlan:
        """The radii (or linear scan) the search uses for distance ``t``."""
        t = check_distance256(t)
        plan = self._plans.get(t)
        if plan is None:
            plan = plan_search(self.widths, len(self), t)
            self._plans[t] = plan
        return plan

    def _custom_plan(self, t: int, radii: Sequence[int]) -> SearchPlan:
        chosen = tuple(int(r) for r in radii)
        if len(chosen) == 0:
            return SearchPlan(distance=t, radii=(), linear=True, cost=float("nan"))
        if len(chosen) != len(self.tables):
            raise ValueError(f"radii needs one entry per table ({len(self.tables)})")
        if any(r < -1 for r in chosen) or sum(r + 1 for r in chosen) < t + 1:
            raise ValueError(f"radii {chosen} cannot guarantee every match within {t}")
        if any(r > w for r, w in zip(chosen, self.widths, strict=True)):
            raise ValueError(f"radii {chosen} exceed the table widths {self.widths}")
        return SearchPlan(distance=t, radii=chosen, linear=False, cost=float("nan"))

    # ---------------------------------------------------------------- search

    def search(self, query: ArrayLike | int | str, t: int) -> tuple[I64, I64]:
        """Ids and distances of every entry within ``t`` of ``query``, nearest first.

        ``query`` is four uint64 words, the hash as a 256-bit int, or its 64
        hex digits.
        """
        found = self.search_many(query_words(query), t)
        return found.ids, found.distances

    def search_many(
        self,
        queries: ArrayLike,
        t: int,
        *,
        workers: int = 1,
        radii: Sequence[int] | None = None,
    ) -> Matches:
        """Every (query, entry) pair within distance ``t`` of ``(n, 4)`` queries.

        Returns flat :class:`Matches` sorted by query, distance, id
        (:meth:`Matches.per_query` splits it). ``workers > 1`` splits the
        queries over threads. ``radii`` (one per table, -1 to skip,
        ``sum(r + 1) > t``) overrides the planner, for tests and tuning;
        ``radii=()`` forces a linear scan.
        """
        q = as_u64x4_array(queries, "queries")
        t = check_distance256(t)
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        plan = self.plan(t) if radii is None else self._custom_plan(t, radii)
        if q.shape[0] == 0 or len(self) == 0:
            return empty_matches()
        parts = self._parts
        if workers == 1 or q.shape[0] < 2 * workers:
            return merge_matches(list(search_block(parts, q, t, plan)))
        bounds = np.linspace(0, q.shape[0], workers + 1).astype(np.int64)
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
        """Write the index to folder ``path`` (format: :mod:`.store256`)."""
        save_index256(self._parts, Path(path), overwrite=overwrite)

    @classmethod
    def load(cls, path: str | Path, *, verify: bool = False, mmap: bool = True) -> PdqIndex:
        """Open an index saved with :meth:`save`, memory-mapped unless ``mmap=False``.

        ``verify`` re-hashes the files against the SHA-256 in the manifest.
        """
        return cls(load_index256(Path(path), verify=verify, mmap=mmap))
