"""The gallery's filters and the collapsing of duplicate groups into one tile."""

from __future__ import annotations

from review_helpers import gallery_row, group_rows

from triage_app.config.schemes import load_scheme
from triage_app.review import filters

UK = load_scheme("uk")


def test_standard_filters_name_every_view() -> None:
    keys = [f.key for f in filters.standard_filters(UK, ["A/1", "B/2"])]
    assert keys[0] == filters.REVIEW and keys[-1] == filters.ALL
    for key in ("suggestions", "exact", "ignorable", "graded", "graded:A", "graded:U", "failed"):
        assert key in keys
    assert "exhibit:A/1" in keys and "exhibit:B/2" in keys
    assert keys.index("graded:A") < keys.index("graded:C")  # most severe first


def test_collapsing_shows_one_tile_per_group_representative_first() -> None:
    rows = [
        gallery_row(1),
        *group_rows(7, [2, 3, 4], rep=3),
        gallery_row(5),
        *group_rows(9, [6, 8], rep=8),
    ]
    everything = filters.standard_filters(UK, [])[-1].predicate
    shown = filters.visible_rows(rows, everything, collapse=True)
    assert [r.item_id for r in shown] == [1, 3, 5, 8]
    assert [r.item_id for r in filters.visible_rows(rows, everything, collapse=False)] == [
        1, 2, 3, 4, 5, 6, 8,
    ]  # fmt: skip


def test_a_group_shows_its_first_passing_member_when_the_representative_does_not_pass() -> None:
    rows = group_rows(7, [2, 3, 4], rep=3)
    rows[1].grade = "A"
    ungraded = [r for r in rows if r.grade is None]
    assert filters.choose_tile(rows, lambda r: r.grade is None) is ungraded[0]
    assert filters.choose_tile(rows, lambda r: False) is None
    assert filters.tile_key(rows[0], True) == ("group", 7)
    assert filters.tile_key(rows[0], False) == ("item", 2)
