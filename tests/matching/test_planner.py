"""The planner's layouts and radii satisfy the pigeonhole principle."""

from __future__ import annotations

import pytest

from triage_app.matching.planner import choose_widths, plan_search


@pytest.mark.parametrize("size", [0, 1, 1000, 10**5, 10**6, 10**7, 10**8])
def test_planner_layouts_satisfy_the_pigeonhole(size: int) -> None:
    widths = choose_widths(size, 12)
    assert sum(widths) <= 64
    assert all(1 <= w <= 24 for w in widths)
    for t in range(0, 65, 3):
        plan = plan_search(widths, (size,) * len(widths), size, t)
        assert plan.linear or sum(r + 1 for r in plan.radii) >= t + 1
    if size >= 10**6:
        assert not plan_search(widths, (size,) * len(widths), size, 12).linear
