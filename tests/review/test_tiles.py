"""What a gallery tile says: kind, caption, grade badge and how it was reached, match text."""

from __future__ import annotations

from review_helpers import gallery_row, group_rows

from triage_app.config.schemes import load_scheme
from triage_app.review import grading, tiles

# -- blurred tiles ----------------------------------------------------------------------


# -- settings -------------------------------------------------------------------------


# -- filters and tiles ----------------------------------------------------------------------

UK = load_scheme("uk")


def test_tile_facts() -> None:
    graded = gallery_row(1, grade="A", grade_source="manual")
    facts = tiles.tile_facts(graded, UK)
    assert facts.grade == "A" and facts.grade_colour == UK.get("A").colour
    assert facts.grade_how == "hand" and facts.caption == "#1" and facts.kind == tiles.IMAGE
    near_row = gallery_row(2, match_kind="near", match_category="B", match_distance=4)
    assert tiles.tile_facts(near_row, UK).match_text == "≈ B d4"
    assert tiles.match_text(gallery_row(3, match_kind="exact", match_category="C")) == "= list C"
    assert tiles.match_text(gallery_row(3, match_kind="ignorable")) == "ignorable"
    assert tiles.tile_kind(gallery_row(4, media_type="video")) == tiles.VIDEO
    assert tiles.tile_kind(gallery_row(5, status="failed", media_type=None)) == tiles.FAILED
    assert tiles.tile_kind(gallery_row(6, decode_status="failed")) == tiles.FAILED
    partial = tiles.tile_facts(gallery_row(7, decode_status="partial"), UK)
    assert partial.kind == tiles.IMAGE and partial.damaged
    assert tiles.tile_kind(gallery_row(8, media_type="other")) == tiles.OTHER
    grouped = group_rows(3, [9, 10], rep=9)[0]
    assert tiles.tile_facts(grouped, UK).group_count == 2
    assert tiles.grade_how("propagated from item 4") == "propagated"
    assert tiles.grade_how(grading.FROM_LIST) == "list"
    assert tiles.grade_how(grading.CONFIRMED) == "confirmed"
    assert tiles.grade_how(None) is None


def test_match_badges_are_explained() -> None:
    near_row = gallery_row(2, match_kind="near", match_category="B", match_distance=4)
    assert tiles.match_explanation(near_row) == (
        "near suggestion of category B (4 bits apart); not a grade until confirmed"
    )
    same = gallery_row(2, match_kind="near", match_category="A", match_distance=0)
    assert "same hashes" in (tiles.match_explanation(same) or "")
    exact = gallery_row(3, match_kind="exact", match_category="C")
    assert tiles.match_explanation(exact) == "exact hash-list hit, category C"
    assert tiles.match_explanation(gallery_row(5)) is None
    badges = [badge for badge, _ in tiles.BADGE_LEGEND]
    assert {"= list A", "≈ A d4", "ignorable", "×2"} <= set(badges)
