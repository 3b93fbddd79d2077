"""The workstation's Qt-free logic: blurred tiles, settings, filters, tiles, details, undo."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from conftest import TEST_PASSWORD, TEST_USER
from PIL import Image
from review_helpers import add_items, exact, near, set_matches

from triage_app.case.session import CaseSession
from triage_app.config.schemes import load_scheme
from triage_app.config.settings import load_settings, save_settings, settings_path
from triage_app.config.viewer_settings import (
    BLUR_LEVELS,
    ViewerSettings,
    load_viewer_settings,
    save_viewer_settings,
)
from triage_app.demo import synthetic
from triage_app.media import blur
from triage_app.review import details, filters, grading, tiles, undo
from triage_app.review.gallery_rows import GalleryRow, load_rows
from triage_app.storage.case_store import CaseStore

UK = load_scheme("uk")


def _jpeg(seed: int = 1, size: tuple[int, int] = (256, 192)) -> bytes:
    img = synthetic.scene(np.random.default_rng(seed), size)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _upscale(raw: blur.RawImage, size: tuple[int, int]) -> np.ndarray:
    img = Image.frombytes(raw.mode, (raw.width, raw.height), raw.data)
    return np.asarray(img.resize(size, Image.Resampling.BILINEAR), dtype=np.float64)


# -- blurred tiles ----------------------------------------------------------------------


def test_blurred_tile_is_grey_small_and_keeps_the_aspect_ratio() -> None:
    raw = blur.blurred_tile(_jpeg(size=(256, 192)))
    assert raw.mode == "L" and raw.channels == 1
    assert (raw.width, raw.height) == (blur.BLURRED_SIDE, 96)
    assert len(raw.data) == raw.width * raw.height == raw.bytes_per_line * raw.height
    low, high = blur.TONE_RANGE
    pixels = raw.array()
    assert low <= pixels.min() and pixels.max() <= high


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_blurred_tile_holds_far_less_detail_than_the_thumbnail(seed: int) -> None:
    data = _jpeg(seed)
    sharp = blur.reveal_image(data)
    blurred = blur.blurred_tile(data)
    sharp_energy = blur.high_frequency_energy(sharp.array())
    blurred_energy = blur.high_frequency_energy(_upscale(blurred, (256, 192)))
    assert sharp_energy > 20
    assert blurred_energy < sharp_energy / 50


@pytest.mark.parametrize("name", list(BLUR_LEVELS))
def test_a_tile_carries_no_more_than_its_cells_of_information(name: str) -> None:
    """Squeezing the tile to twice its cell count and back changes almost nothing."""
    cells = BLUR_LEVELS[name]
    raw = blur.blurred_tile(_jpeg(7), cells=cells)
    img = Image.frombytes("L", (raw.width, raw.height), raw.data)
    small = img.resize((cells * 2, max(1, cells * 2 * raw.height // raw.width)), Image.BOX)
    again = np.asarray(small.resize(img.size, Image.Resampling.BILINEAR), dtype=np.float64)
    assert np.abs(again - raw.array()).mean() < 2.0


def test_blur_strength_is_clamped_and_works_on_any_image_mode() -> None:
    rgba = Image.new("RGBA", (40, 300), (10, 200, 30, 128))
    raw = blur.blur_image(rgba, cells=1000, side=64)
    assert raw.mode == "L" and max(raw.width, raw.height) == 64
    assert blur.blur_image(rgba, cells=0, side=64).width >= 1


def test_reveal_image_is_colour_at_the_stored_size() -> None:
    raw = blur.reveal_image(_jpeg(size=(200, 150)))
    assert (raw.mode, raw.width, raw.height, raw.channels) == ("RGB", 200, 150, 3)
    assert raw.array().shape == (150, 200, 3)


def test_high_frequency_energy_of_flat_and_tiny_images() -> None:
    assert blur.high_frequency_energy(np.full((20, 20), 128)) == 0
    assert blur.high_frequency_energy(np.zeros((2, 2))) == 0
    checker = np.indices((20, 20)).sum(axis=0) % 2 * 255
    assert blur.high_frequency_energy(checker) > 1e5


# -- settings -------------------------------------------------------------------------


def test_settings_default_to_the_safe_choice() -> None:
    s = load_viewer_settings()
    assert s == ViewerSettings()
    assert s.blur == "strong" and s.blur_cells == 8
    assert s.reveal_seconds == 10.0 and s.collapse_groups


def test_settings_round_trip_beside_other_settings() -> None:
    save_settings({"category_maps": {"uk": {"1": "A"}}})
    saved = save_viewer_settings(ViewerSettings(tile_size=200, blur="maximum", break_minutes=30))
    assert load_viewer_settings() == saved
    stored = load_settings()
    assert stored["category_maps"] == {"uk": {"1": "A"}}
    assert stored["viewer"]["tile_size"] == 200


def test_bad_settings_are_clamped_not_trusted() -> None:
    settings_path().write_text(
        json.dumps(
            {
                "viewer": {
                    "tile_size": 5000,
                    "blur": "none",
                    "reveal_seconds": 1e9,
                    "reveal_size": "big",
                    "break_minutes": -3,
                    "unknown": 1,
                }
            }
        ),
        encoding="utf-8",
    )
    s = load_viewer_settings()
    assert s.tile_size == 320 and s.blur == "strong"
    assert s.reveal_seconds == 60.0 and s.reveal_size == 256 and s.break_minutes == 0
    assert ViewerSettings.from_json("nonsense") == ViewerSettings()
    assert replace(s, reveal_seconds=float("nan")).validated().reveal_seconds == 10.0


def test_unreadable_settings_file_means_defaults() -> None:
    settings_path().write_text("{not json", encoding="utf-8")
    assert load_viewer_settings() == ViewerSettings()


# -- filters and tiles ----------------------------------------------------------------------


def _row(item_id: int, **kw: object) -> GalleryRow:
    base: dict[str, object] = {
        "item_id": item_id, "exhibit": "T/1", "path": f"p{item_id}.jpg", "status": "hashed",
        "media_type": "image", "format": "JPEG", "decode_status": "decoded", "width": 10,
        "height": 10, "low_information": False, "match_kind": None, "match_category": None,
        "match_distance": None, "grade": None, "grade_source": None, "cluster": None,
        "cluster_size": 1, "representative": True,
    }  # fmt: skip
    base.update(kw)
    return GalleryRow(**base)  # type: ignore[arg-type]


def _group(cluster: int, ids: list[int], rep: int, **kw: object) -> list[GalleryRow]:
    return [
        _row(i, cluster=cluster, cluster_size=len(ids), representative=i == rep, **kw) for i in ids
    ]


def test_standard_filters_name_every_view() -> None:
    keys = [f.key for f in filters.standard_filters(UK, ["A/1", "B/2"])]
    assert keys[0] == filters.REVIEW and keys[-1] == filters.ALL
    for key in ("suggestions", "exact", "ignorable", "graded", "graded:A", "graded:U", "failed"):
        assert key in keys
    assert "exhibit:A/1" in keys and "exhibit:B/2" in keys
    assert keys.index("graded:A") < keys.index("graded:C")  # most severe first


def test_collapsing_shows_one_tile_per_group_representative_first() -> None:
    rows = [_row(1), *_group(7, [2, 3, 4], rep=3), _row(5), *_group(9, [6, 8], rep=8)]
    everything = filters.standard_filters(UK, [])[-1].predicate
    shown = filters.visible_rows(rows, everything, collapse=True)
    assert [r.item_id for r in shown] == [1, 3, 5, 8]
    assert [r.item_id for r in filters.visible_rows(rows, everything, collapse=False)] == [
        1, 2, 3, 4, 5, 6, 8,
    ]  # fmt: skip


def test_a_group_shows_its_first_passing_member_when_the_representative_does_not_pass() -> None:
    rows = _group(7, [2, 3, 4], rep=3)
    rows[1].grade = "A"
    ungraded = [r for r in rows if r.grade is None]
    assert filters.choose_tile(rows, lambda r: r.grade is None) is ungraded[0]
    assert filters.choose_tile(rows, lambda r: False) is None
    assert filters.tile_key(rows[0], True) == ("group", 7)
    assert filters.tile_key(rows[0], False) == ("item", 2)


def test_tile_facts() -> None:
    graded = _row(1, grade="A", grade_source="manual")
    facts = tiles.tile_facts(graded, UK)
    assert facts.grade == "A" and facts.grade_colour == UK.get("A").colour
    assert facts.grade_how == "hand" and facts.caption == "#1" and facts.kind == tiles.IMAGE
    near_row = _row(2, match_kind="near", match_category="B", match_distance=4)
    assert tiles.tile_facts(near_row, UK).match_text == "≈ B d4"
    assert tiles.match_text(_row(3, match_kind="exact", match_category="C")) == "= list C"
    assert tiles.match_text(_row(3, match_kind="ignorable")) == "ignorable"
    assert tiles.tile_kind(_row(4, media_type="video")) == tiles.VIDEO
    assert tiles.tile_kind(_row(5, status="failed", media_type=None)) == tiles.FAILED
    assert tiles.tile_kind(_row(6, decode_status="failed")) == tiles.FAILED
    partial = tiles.tile_facts(_row(7, decode_status="partial"), UK)
    assert partial.kind == tiles.IMAGE and partial.damaged
    assert tiles.tile_kind(_row(8, media_type="other")) == tiles.OTHER
    grouped = _group(3, [9, 10], rep=9)[0]
    assert tiles.tile_facts(grouped, UK).group_count == 2
    assert tiles.grade_how("propagated from item 4") == "propagated"
    assert tiles.grade_how(grading.FROM_LIST) == "list"
    assert tiles.grade_how(grading.CONFIRMED) == "confirmed"
    assert tiles.grade_how(None) is None


# -- details and undo, on a real case --------------------------------------------------------


@pytest.fixture
def session(store: CaseStore) -> Iterator[CaseSession]:
    add_items(store, 6)
    with CaseSession.sign_in(store.case_dir, TEST_USER, TEST_PASSWORD) as s:
        yield s


def test_details_show_metadata_hashes_match_grade_and_history(session: CaseSession) -> None:
    a, b, *_ = sorted(r["id"] for r in session.store.iter_items())
    set_matches(session, [near(a, "B", 5), exact(b, "C")])
    grading.grade(session, [a], "C")
    grading.grade(session, [a], "A", reason="seen on reveal")
    found = details.load_details(session, a)
    assert found is not None and found.grade is not None and len(found.history) == 2
    row = next(r for r in load_rows(session) if r.item_id == a)
    sections = dict(details.detail_sections(found, row, session.scheme))
    flat = {k: v for rows in sections.values() for k, v in rows}
    assert flat["MD5"] == found.item["md5"] and flat["SHA256"] == found.item["sha256"]
    assert flat["Kind"].startswith("near") and flat["Distance"] == "5"
    assert flat["Hash set"] == "list" and flat["Matched entry"].startswith("line")
    assert flat["Grade"] == "A (Category A)" and flat["Reason"] == "seen on reveal"
    history = sections["Grade history"]
    assert "C (manual) -> A (manual)" in history[1][1] and "seen on reveal" in history[1][1]
    assert details.load_details(session, 99999) is None
    nothing = details.load_details(session, b)
    assert nothing is not None
    b_sections = dict(details.detail_sections(nothing, None, session.scheme))
    assert ("Grade", "not graded") in b_sections["Grade"]


def test_undo_reverts_a_grade_and_its_propagation(session: CaseSession) -> None:
    a, b, c, *_ = sorted(r["id"] for r in session.store.iter_items())
    session.review.replace_clusters([(a, a, "exact", True, 0), (b, a, "exact", False, 0)])
    outcome = grading.grade(session, [a], "B", propagate=True)
    action = undo.action_from("grade", outcome, [a], propagate=True)
    assert action is not None and action.sources == (a,) and set(action.affected) == {a, b}
    assert undo.grades_of(session, [a, b, c]) == {
        a: ("B", "manual"),
        b: ("B", grading.propagated_source(a)),
        c: (None, None),
    }
    changed = undo.undo_action(session, action)
    assert set(changed) == {a, b}
    assert undo.grades_of(session, [a, b]) == {a: (None, None), b: (None, None)}
    unchanged = grading.grade(session, [c], "C")
    assert undo.action_from("x", grading.grade(session, [c], "C"), [c]) is None
    assert undo.action_from("x", unchanged, [c]) is not None
