"""Drawing a QA sample, reproducibly from a seed (pure: no case, no I/O).

Each item of the population gets the key ``SHA-256("<seed>:sample:<item id>")``
and the sample is the items with the smallest keys (per category, for a count
per category); the second grader sees the sample ordered by
``SHA-256("<seed>:order:<item id>")``, so the order says nothing about the
first grades. Python's ``random`` module is not used: its algorithms may
change between versions, and a sample must be drawn again years later.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from triage_app.domain.errors import TriageError

PERCENT = "percent"
PER_CATEGORY = "per-category"
METHODS = (PERCENT, PER_CATEGORY)
#: Largest seed accepted (seeds are stored as signed 64-bit integers).
MAX_SEED = 2**63 - 1


class QaError(TriageError):
    """A QA request the rules refuse."""


def _key(seed: int, purpose: str, item_id: int) -> str:
    return hashlib.sha256(f"{seed}:{purpose}:{item_id}".encode()).hexdigest()


def sample_size(population: int, percent: float | str | Fraction) -> int:
    """How many of ``population`` a percentage draws: rounded up, at least one if any."""
    share = Fraction(str(percent)) if not isinstance(percent, Fraction) else percent
    if not 0 < share <= 100:
        raise QaError(f"a sample percentage must be more than 0 and at most 100, not {percent}")
    return min(population, math.ceil(population * share / 100))


def select_sample(
    population: Sequence[tuple[int, str]],
    *,
    method: str,
    seed: int,
    percent: float | str | None = None,
    counts: Mapping[str, int] | None = None,
) -> list[int]:
    """The sampled item ids in blind order, from (item id, category) pairs and a seed.

    Deterministic: the same population, parameters and seed always give the
    same list, on any machine and Python version.
    """
    keyed = sorted(population, key=lambda p: _key(seed, "sample", p[0]))
    if method == PERCENT:
        if percent is None:
            raise QaError("a percentage sample needs a percentage")
        chosen = [item for item, _ in keyed[: sample_size(len(keyed), percent)]]
    elif method == PER_CATEGORY:
        if not counts:
            raise QaError("a per-category sample needs a count for at least one category")
        chosen = []
        for category in sorted(counts):
            if counts[category] < 0:
                raise QaError(f"the count for category {category} cannot be negative")
            pool = [item for item, cat in keyed if cat == category]
            chosen += pool[: counts[category]]
    else:
        raise QaError(f"unknown sampling method {method!r}; use one of {', '.join(METHODS)}")
    return sorted(chosen, key=lambda item: _key(seed, "order", item))


def population_digest(population: Iterable[tuple[int, str]]) -> str:
    """SHA-256 of the population: canonical JSON of its sorted (item id, category) pairs."""
    canonical = json.dumps(sorted([int(i), str(c)] for i, c in population), separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
