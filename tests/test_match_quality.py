"""Near-match quality of the perceptual bundle, measured on a corpus built offline.

The corpus and its evaluation come from ``benchmarks/match_quality.py`` (its
"small" size): synthetic scenes, smooth colour fields, textures and shape
compositions from seeds, and non-overlapping crops of the sample photographs
shipped inside scikit-image (other photographs, face thumbnails and further
seeds are the distractors). Every original is transformed the ways sharing
does; the bundle rule must find the copies (recall floors) and must not match
anything unrelated (zero false positives). Every decision asserted on is made
by ``is_near_match`` itself.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import imagehash
import numpy as np
import pytest
from PIL import Image

from triage_app.demo import synthetic
from triage_app.media import perceptual as pm

REPO = Path(__file__).resolve().parents[1]
#: Recall floor on re-encode, resize, greyscale, brightness, contrast, crop,
#: border, caption, watermark and EXIF rotation.
FIRST_FLOOR = 0.98
#: Recall floor on mirror and 90/180/270-degree rotation.
SECOND_FLOOR = 0.9


def _load_benchmark() -> ModuleType:
    name = "match_quality_benchmark"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "match_quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


mq = _load_benchmark()


class Measured:
    """The small corpus, hashed and matched once for the whole module."""

    def __init__(self) -> None:
        self.originals, self.distractors = mq.build_corpus(mq.SIZES["small"])
        self.corpus = mq.build_queries(self.originals, self.distractors)
        self.dist = mq.distances(self.corpus)
        thresholds = pm.DEFAULT_THRESHOLDS
        self.bundle = mq._outcome(
            "bundle", self.corpus, mq.checked_bundle_rule(self.corpus, self.dist, thresholds)
        )
        self.plain = mq._outcome(
            "plain",
            self.corpus,
            mq.plain_rule(self.corpus, thresholds.phash, thresholds.dhash_only),
        )
        self.report = "\n\n".join(
            [
                mq.recall_table([self.plain, self.bundle]),
                mq.distance_table(self.corpus, self.dist, thresholds),
            ]
        )


@pytest.fixture(scope="module")
def measured() -> Measured:
    return Measured()


# -- quality floors ----------------------------------------------------------------


def test_bundle_reaches_the_recall_floors(measured: Measured) -> None:
    print(measured.report)
    outcome = measured.bundle
    below = {
        name: recall
        for name, recall in outcome.recall.items()
        if recall < (FIRST_FLOOR if outcome.groups[name] == mq.FIRST else SECOND_FLOOR)
    }
    assert below == {}, f"recall below the floor: {below}\n{measured.report}"


def test_bundle_has_no_false_positives(measured: Measured) -> None:
    outcome = measured.bundle
    assert outcome.fp_distractor == 0, measured.report
    assert outcome.fp_cross == 0, measured.report


def test_plain_phash_does_not_reach_the_floors(measured: Measured) -> None:
    """The corpus discriminates: the plain rule (same thresholds) fails where it should."""
    recall = measured.plain.recall
    assert recall["mirror"] < SECOND_FLOOR
    assert max(recall[f"rotate-{a}"] for a in (90, 180, 270)) < SECOND_FLOOR
    assert max(recall[f"border-{c}"] for c in ("black", "white", "colour")) < FIRST_FLOOR
    assert recall["crop-2-5%"] < FIRST_FLOOR
    assert max(recall["caption-top"], recall["caption-bottom"]) < FIRST_FLOOR
    # ... while it copes with what pHash was made for, so the copies are sound.
    assert min(recall[f"jpeg-q{q}"] for q in (50, 70, 90)) >= FIRST_FLOOR


def test_vectorised_rule_agrees_with_is_near_match(measured: Measured) -> None:
    vector = mq.vector_rule(measured.dist, pm.DEFAULT_THRESHOLDS)
    checked = mq.checked_bundle_rule(measured.corpus, measured.dist, pm.DEFAULT_THRESHOLDS)
    assert np.array_equal(vector, checked)


def test_exif_copies_went_through_the_ingest(measured: Measured) -> None:
    """The ingest's recorded pHash of an EXIF-rotated JPEG is the displayed image's."""
    rows = [q for q in measured.corpus.queries if q.transform.startswith("exif-")]
    assert len(rows) == 7 * len(measured.originals)
    assert all(q.ingest_phash == q.variants[0][pm.PHASH] for q in rows)


# -- the bundle ----------------------------------------------------------------------


def _sample_images() -> list[Image.Image]:
    rng = np.random.default_rng(7)
    images = [synthetic.scene(np.random.default_rng(s), (320 + 37 * s, 240)) for s in range(4)]
    images.append(synthetic.scene(rng, (2000, 1500)))
    images.append(synthetic.scene(rng, (31, 77)).convert("L"))
    images.append(mq.photo("camera.png").convert("L"))
    images.append(mq.photo("astronaut.png"))
    images.append(Image.new("RGB", (1, 1), (10, 20, 30)))
    images.append(Image.new("L", (3, 200), 128))
    return images


def test_interoperable_hashes_are_exactly_imagehash(measured: Measured) -> None:
    images = _sample_images() + [img for _, img in measured.originals]
    for img in images:
        bundle = pm.compute_bundle(img)
        assert bundle[pm.PHASH] == str(imagehash.phash(img))
        assert bundle[pm.DHASH] == str(imagehash.dhash(img))


def test_bundle_keys_and_format() -> None:
    for img in _sample_images():
        bundle = pm.compute_bundle(img)
        assert tuple(bundle) == pm.BUNDLE_KEYS
        for value in bundle.values():
            assert len(value) == pm.HEX_DIGITS
            int(value, 16)


def test_bundle_is_pure() -> None:
    img = synthetic.scene(np.random.default_rng(3), (500, 375))
    before = img.tobytes()
    assert pm.compute_bundle(img) == pm.compute_bundle(img.copy())
    assert pm.query_variants(img) == pm.query_variants(img.copy())
    assert img.tobytes() == before
    bundle, variants = pm.bundle_and_variants(img)
    assert bundle == pm.compute_bundle(img)
    assert variants == pm.query_variants(img)


def test_identity_variant_is_the_bundle() -> None:
    for img in _sample_images():
        variants = pm.query_variants(img)
        if not variants:
            continue
        bundle = pm.compute_bundle(img)
        assert variants[0][pm.VARIANT] == "whole"
        assert {k: variants[0][k] for k in pm.WHOLE_FAMILY} == {
            k: bundle[k] for k in pm.WHOLE_FAMILY
        }
        centre = next(v for v in variants if v[pm.VARIANT] == "centre")
        assert {k: centre[k] for k in pm.CENTRE_FAMILY} == {k: bundle[k] for k in pm.CENTRE_FAMILY}


def test_lookups_per_query() -> None:
    img = synthetic.scene(np.random.default_rng(5), (500, 375))
    lookups = pm.lookup_hashes(pm.query_variants(img))
    assert len(lookups) == pm.QUERY_LOOKUPS == 18
    assert {column for column, _, _ in lookups} == {pm.PHASH, pm.CPHASH}


@pytest.mark.parametrize(
    ("name", "transpose"),
    [(name, Image.Transpose[name]) for name, _, _ in pm.ORIENTATIONS if name != "none"],
)
def test_orientation_undoes_its_transpose(name: str, transpose: Image.Transpose) -> None:
    img = Image.fromarray(np.random.default_rng(1).integers(0, 256, (5, 7), dtype=np.uint8))
    _, undo, swaps = next(o for o in pm.ORIENTATIONS if o[0] == name)
    turned = np.asarray(img.transpose(transpose), dtype=np.float64)
    assert np.array_equal(undo(turned), np.asarray(img, dtype=np.float64))
    assert swaps == (turned.shape != (5, 7))


def test_mirrored_and_rotated_items_match_the_original_entry() -> None:
    img = synthetic.scene(np.random.default_rng(11), (500, 375))
    bundle = pm.compute_bundle(img)
    for name, _, _ in pm.ORIENTATIONS:
        item = img if name == "none" else img.transpose(Image.Transpose[name])
        matched, distance, kind = pm.is_near_match(pm.query_variants(item), bundle)
        assert matched, name
        assert distance is not None and distance <= 4
        assert kind == ("phash whole" if name == "none" else f"phash whole:{name}")


# -- the decision rule ---------------------------------------------------------------


def _flip(hex_value: str, bits: int) -> str:
    """``hex_value`` with its lowest ``bits`` bits inverted."""
    return f"{int(hex_value, 16) ^ ((1 << bits) - 1):016x}"


KNOWN = {
    pm.PHASH: "d1c4a8f0e3b29a65",
    pm.DHASH: "3c6e9a1f0b7d5482",
    pm.DVHASH: "a5a5c3c30f0ff0f0",
}


def _variant(p: int, d: int, dv: int | None) -> dict[str, str]:
    out = {pm.VARIANT: "whole", pm.PHASH: _flip(KNOWN[pm.PHASH], p)}
    out[pm.DHASH] = _flip(KNOWN[pm.DHASH], d)
    if dv is not None:
        out[pm.DVHASH] = _flip(KNOWN[pm.DVHASH], dv)
    return out


def test_thresholds_are_inclusive() -> None:
    t = pm.DEFAULT_THRESHOLDS
    half = t.dhash_pair // 2
    assert pm.is_near_match([_variant(t.phash, half, half)], KNOWN) == (
        True,
        t.phash,
        "phash whole",
    )
    assert not pm.is_near_match([_variant(t.phash + 1, 0, 0)], KNOWN)[0]
    assert not pm.is_near_match([_variant(0, half, t.dhash_pair - half + 1)], KNOWN)[0]


def test_lists_with_only_phash_and_dhash_confirm_on_dhash() -> None:
    t = pm.DEFAULT_THRESHOLDS
    foreign = {pm.PHASH: KNOWN[pm.PHASH], pm.DHASH: KNOWN[pm.DHASH]}
    assert pm.is_near_match([_variant(3, t.dhash_only, 40)], foreign)[0]
    assert not pm.is_near_match([_variant(3, t.dhash_only + 1, 0)], foreign)[0]


def test_entries_without_dhash_never_near_match() -> None:
    only_phash = {pm.PHASH: KNOWN[pm.PHASH]}
    assert pm.is_near_match([_variant(0, 0, 0)], only_phash) == (False, 0, None)
    img = synthetic.scene(np.random.default_rng(2), (400, 300))
    entry = {pm.PHASH: str(imagehash.phash(img))}
    assert not pm.is_near_match(pm.query_variants(img), entry)[0]


def test_a_bundle_alone_is_its_own_unturned_variants() -> None:
    img = synthetic.scene(np.random.default_rng(4), (400, 300))
    bundle = pm.compute_bundle(img)
    assert pm.is_near_match(bundle, bundle) == (True, 0, "phash whole")
    mirrored = pm.compute_bundle(synthetic.mirror(img))
    assert not pm.is_near_match(mirrored, bundle)[0]  # no variants: no mirror hypothesis


def _flat_images() -> list[Image.Image]:
    rng = np.random.default_rng(9)
    noise = np.clip(128 + rng.normal(0, 1.5, (300, 400)), 0, 255).astype(np.uint8)
    return [
        Image.new("RGB", (400, 300), (200, 30, 30)),
        Image.new("L", (640, 480), 0),
        Image.fromarray(noise),
        synthetic.scene(np.random.default_rng(1), (400, 7)),
    ]


@pytest.mark.parametrize("index", range(4))
def test_low_information_images_never_near_match(index: int) -> None:
    img = _flat_images()[index]
    assert pm.is_low_information(img)
    assert pm.query_variants(img) == []
    bundle = pm.compute_bundle(img)
    assert pm.is_near_match(pm.query_variants(img), bundle) == (False, None, None)
    others = [pm.compute_bundle(other) for other in _flat_images()]
    assert not any(pm.is_near_match(pm.query_variants(img), other)[0] for other in others)


def test_flat_or_unusable_entries_never_near_match() -> None:
    img = synthetic.scene(np.random.default_rng(6), (400, 300))
    variants = pm.query_variants(img)
    flat = pm.compute_bundle(Image.new("RGB", (64, 64), (90, 90, 90)))
    assert flat[pm.PHASH] == "8000000000000000" and flat[pm.DHASH] == "0" * 16
    assert pm.known_is_flat(flat)
    zero: dict[str, Any] = {pm.PHASH: "0" * 16, pm.DHASH: "0" * 16}
    for entry in (flat, zero, {pm.PHASH: "not hex", pm.DHASH: "12"}, {}):
        assert pm.is_near_match(variants, entry) == (False, None, None)


def test_flat_regions_are_not_looked_up() -> None:
    """A centre that is one flat colour gives no centre variants (they would all collide)."""
    img = synthetic.scene(np.random.default_rng(8), (500, 375))
    img.paste((40, 120, 200), (50, 37, 450, 338))
    labels = [v[pm.VARIANT] for v in pm.query_variants(img)]
    assert "whole" in labels
    assert not any(label.startswith("centre") for label in labels)
