"""The seeded sampling rule (``triage_app.supervision.qa_sampling``)."""

from __future__ import annotations

import pytest
from supervision_helpers import documented_rule

from triage_app.supervision.qa_sampling import PER_CATEGORY, PERCENT, QaError, select_sample


def test_sampling_is_reproducible_from_the_seed() -> None:
    population = [(i, "ABC"[i % 3]) for i in range(1, 61)]
    one = select_sample(population, method=PERCENT, seed=99, percent="10")
    assert len(one) == 6  # 10% of 60
    assert one == select_sample(list(reversed(population)), method=PERCENT, seed=99,
                                   percent="10")  # fmt: skip
    assert one != select_sample(population, method=PERCENT, seed=100, percent="10")
    assert len(select_sample(population, method=PERCENT, seed=1, percent="0.5")) == 1
    counts = {"A": 4, "C": 5}
    strat = select_sample(population, method=PER_CATEGORY, seed=5, counts=counts)
    assert strat == documented_rule(population, 5, counts)
    assert sorted(dict(population)[i] for i in strat) == ["A"] * 4 + ["C"] * 5
    # The blind order does not group the sample by its first grades.
    assert [dict(population)[i] for i in strat] != sorted(dict(population)[i] for i in strat)
    with pytest.raises(QaError, match="percentage"):
        select_sample(population, method=PERCENT, seed=1, percent="0")
