"""Near-match quality of the perceptual bundle and the decision rule itself.

The corpus and its evaluation come from ``benchmarks/match_quality.py`` (its
"small" size): synthetic scenes, smooth colour fields, textures and shape
compositions from seeds, and non-overlapping crops of the sample photographs
shipped inside scikit-image (other photographs, face thumbnails and further
seeds are the distractors). Every original is transformed the ways sharing
does; the bundle rule must find the copies (recall floors) and must not match
anything unrelated (zero false positives). Every decision asserted on is made
by ``is_near_match`` itself. The EXIF-rotated copies of the corpus also go
through the ingest's decoder (checked here, where the corpus is built once).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from match_quality_helpers import load_benchmark
from PIL import Image

from triage_app.demo import synthetic
from triage_app.matching import near_match as nm
from triage_app.media import bundle_keys as bk
from triage_app.media import perceptual as pm

mq = load_benchmark()


#: Recall floor on re-encode, resize, greyscale, brightness, contrast, crop,
#: border, caption, watermark and EXIF rotation.
FIRST_FLOOR = 0.98


#: Recall floor on mirror and 90/180/270-degree rotation.
SECOND_FLOOR = 0.9


class Measured:
    """The small corpus, hashed and matched once for the whole module."""

    def __init__(self) -> None:
        self.originals, self.distractors = mq.build_corpus(mq.SIZES["small"])
        self.corpus = mq.build_queries(self.originals, self.distractors)
        self.dist = mq.distances(self.corpus)
        thresholds = nm.DEFAULT_THRESHOLDS
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
    vector = mq.vector_rule(measured.dist, nm.DEFAULT_THRESHOLDS)
    checked = mq.checked_bundle_rule(measured.corpus, measured.dist, nm.DEFAULT_THRESHOLDS)
    assert np.array_equal(vector, checked)


def test_exif_copies_went_through_the_ingest(measured: Measured) -> None:
    """The ingest's recorded pHash of an EXIF-rotated JPEG is the displayed image's."""
    rows = [q for q in measured.corpus.queries if q.transform.startswith("exif-")]
    assert len(rows) == 7 * len(measured.originals)
    assert all(q.ingest_phash == q.variants[0][bk.PHASH] for q in rows)


def test_mirrored_and_rotated_items_match_the_original_entry() -> None:
    img = synthetic.scene(np.random.default_rng(11), (500, 375))
    bundle = pm.compute_bundle(img)
    for name, _, _ in pm.ORIENTATIONS:
        item = img if name == "none" else img.transpose(Image.Transpose[name])
        matched, distance, kind = nm.is_near_match(pm.query_variants(item), bundle)
        assert matched, name
        assert distance is not None and distance <= 4
        assert kind == ("phash whole" if name == "none" else f"phash whole:{name}")


def _flip(hex_value: str, bits: int) -> str:
    """``hex_value`` with its lowest ``bits`` bits inverted."""
    return f"{int(hex_value, 16) ^ ((1 << bits) - 1):016x}"


KNOWN = {bk.PHASH: "d1c4a8f0e3b29a65", bk.DHASH: "3c6e9a1f0b7d5482", bk.DVHASH: "a5a5c3c30f0ff0f0"}


def _variant(p: int, d: int, dv: int | None) -> dict[str, str]:
    out = {bk.VARIANT: "whole", bk.PHASH: _flip(KNOWN[bk.PHASH], p)}
    out[bk.DHASH] = _flip(KNOWN[bk.DHASH], d)
    if dv is not None:
        out[bk.DVHASH] = _flip(KNOWN[bk.DVHASH], dv)
    return out


def test_thresholds_are_inclusive() -> None:
    t = nm.DEFAULT_THRESHOLDS
    half = t.dhash_pair // 2
    assert nm.is_near_match([_variant(t.phash, half, half)], KNOWN) == (
        True,
        t.phash,
        "phash whole",
    )
    assert not nm.is_near_match([_variant(t.phash + 1, 0, 0)], KNOWN)[0]
    assert not nm.is_near_match([_variant(0, half, t.dhash_pair - half + 1)], KNOWN)[0]


def test_lists_with_only_phash_and_dhash_confirm_on_dhash() -> None:
    t = nm.DEFAULT_THRESHOLDS
    foreign = {bk.PHASH: KNOWN[bk.PHASH], bk.DHASH: KNOWN[bk.DHASH]}
    assert nm.is_near_match([_variant(3, t.dhash_only, 40)], foreign)[0]
    assert not nm.is_near_match([_variant(3, t.dhash_only + 1, 0)], foreign)[0]


def test_entries_without_dhash_match_on_a_close_phash_alone() -> None:
    t = nm.DEFAULT_THRESHOLDS
    only_phash = {bk.PHASH: KNOWN[bk.PHASH]}
    assert nm.is_near_match([_variant(t.phash_alone, 0, 0)], only_phash)[0]
    assert nm.is_near_match([_variant(t.phash_alone + 1, 0, 0)], only_phash) == (
        False,
        t.phash_alone + 1,
        None,
    )


@pytest.mark.parametrize("degenerate", ["f" * 16, "0" * 16, "fffffffffffffff7", "0000000000000001"])
def test_a_low_information_dhash_never_vetoes_a_phash_agreement(degenerate: str) -> None:
    """A document-like original's all-ones dHash is no evidence against its copies."""
    t = nm.DEFAULT_THRESHOLDS
    entry = {bk.PHASH: KNOWN[bk.PHASH], bk.DHASH: degenerate}
    assert not nm.known_is_flat(entry)
    matched, distance, _kind = nm.is_near_match([_variant(2, 30, 30)], entry)
    assert matched and distance == 2
    assert not nm.is_near_match([_variant(t.phash_alone + 1, 0, 0)], entry)[0]


def test_a_bundle_alone_is_its_own_unturned_variants() -> None:
    img = synthetic.scene(np.random.default_rng(4), (400, 300))
    bundle = pm.compute_bundle(img)
    assert nm.is_near_match(bundle, bundle) == (True, 0, "phash whole")
    mirrored = pm.compute_bundle(synthetic.mirror(img))
    assert not nm.is_near_match(mirrored, bundle)[0]  # no variants: no mirror hypothesis


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
    assert nm.is_near_match(pm.query_variants(img), bundle) == (False, None, None)
    others = [pm.compute_bundle(other) for other in _flat_images()]
    assert not any(nm.is_near_match(pm.query_variants(img), other)[0] for other in others)


def test_flat_or_unusable_entries_never_near_match() -> None:
    img = synthetic.scene(np.random.default_rng(6), (400, 300))
    variants = pm.query_variants(img)
    flat = pm.compute_bundle(Image.new("RGB", (64, 64), (90, 90, 90)))
    assert flat[bk.PHASH] == "8000000000000000" and flat[bk.DHASH] == "0" * 16
    assert nm.known_is_flat(flat)
    zero: dict[str, Any] = {bk.PHASH: "0" * 16, bk.DHASH: "0" * 16}
    assert nm.known_is_flat(zero)
    for entry in (flat, zero, {bk.PHASH: "not hex", bk.DHASH: "12"}, {}):
        assert nm.is_near_match(variants, entry) == (False, None, None)
