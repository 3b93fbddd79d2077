"""The perceptual bundle and query variants: imagehash's bits, keys, purity, orientations."""

from __future__ import annotations

import imagehash
import numpy as np
import pytest
from match_quality_helpers import load_benchmark
from PIL import Image

from triage_app.demo import synthetic
from triage_app.matching import near_match as nm
from triage_app.media import bundle_keys as bk
from triage_app.media import perceptual as pm

mq = load_benchmark()


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


@pytest.fixture(scope="module")
def originals() -> list[tuple[str, Image.Image]]:
    """The originals of the benchmark's small corpus (cheap: no copies are derived)."""
    found: list[tuple[str, Image.Image]] = mq.build_corpus(mq.SIZES["small"])[0]
    return found


def test_interoperable_hashes_are_exactly_imagehash(
    originals: list[tuple[str, Image.Image]],
) -> None:
    images = _sample_images() + [img for _, img in originals]
    for img in images:
        bundle = pm.compute_bundle(img)
        assert bundle[bk.PHASH] == str(imagehash.phash(img))
        assert bundle[bk.DHASH] == str(imagehash.dhash(img))


def test_bundle_keys_and_format() -> None:
    for img in _sample_images():
        bundle = pm.compute_bundle(img)
        assert tuple(bundle) == bk.BUNDLE_KEYS
        for value in bundle.values():
            assert len(value) == bk.HEX_DIGITS
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
        assert variants[0][bk.VARIANT] == "whole"
        assert {k: variants[0][k] for k in bk.WHOLE_FAMILY} == {
            k: bundle[k] for k in bk.WHOLE_FAMILY
        }
        centre = next(v for v in variants if v[bk.VARIANT] == "centre")
        assert {k: centre[k] for k in bk.CENTRE_FAMILY} == {k: bundle[k] for k in bk.CENTRE_FAMILY}


def test_lookups_per_query() -> None:
    img = synthetic.scene(np.random.default_rng(5), (500, 375))
    lookups = nm.lookup_hashes(pm.query_variants(img))
    assert len(lookups) == pm.QUERY_LOOKUPS == 18
    assert {column for column, _, _ in lookups} == {bk.PHASH, bk.CPHASH}


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


def test_flat_regions_are_not_looked_up() -> None:
    """A centre that is one flat colour gives no centre variants (they would all collide)."""
    img = synthetic.scene(np.random.default_rng(8), (500, 375))
    img.paste((40, 120, 200), (50, 37, 450, 338))
    labels = [v[bk.VARIANT] for v in pm.query_variants(img)]
    assert "whole" in labels
    assert not any(label.startswith("centre") for label in labels)
