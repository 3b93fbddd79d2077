"""Grade sources: by hand, from a list, confirmed, propagated from an item."""

from __future__ import annotations

from triage_app.domain import grade_sources as gs


def test_a_propagated_source_names_its_item() -> None:
    source = gs.propagated_source(12)
    assert gs.is_propagated(source) and gs.propagated_origin(source) == 12
    for other in (gs.MANUAL, gs.FROM_LIST, gs.CONFIRMED, None, ""):
        assert not gs.is_propagated(other) and gs.propagated_origin(other) is None
    assert set(gs.HUMAN_SOURCES) == {gs.MANUAL, gs.CONFIRMED}
