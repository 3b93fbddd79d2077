"""The pHash DCT without scipy gives imagehash's bits exactly, ties included."""

from __future__ import annotations

import imagehash
import numpy as np
import pytest
import scipy.fftpack
from PIL import Image

from triage_app.media import imagehash_bits, perceptual


def _scipy_bits(a32: np.ndarray) -> np.ndarray:
    dct = scipy.fftpack.dct(scipy.fftpack.dct(a32, axis=1), axis=2)
    low = np.asarray(dct, dtype=np.float64)[:, :8, :8].reshape(len(a32), 64)
    return low > np.median(low, axis=1, keepdims=True)


def _batches() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    x = np.linspace(0, 1, 32)
    half = np.round(rng.uniform(0, 255, (300, 16, 32)))
    return {
        "noise": rng.uniform(0, 255, (300, 32, 32)),
        "integer noise": np.round(rng.uniform(0, 255, (300, 32, 32))),
        "flat": np.full((300, 32, 32), 128.0) + rng.integers(0, 2, (300, 1, 1)),
        "stripes": np.repeat(np.round(rng.uniform(0, 255, (300, 32, 1))), 32, axis=2),
        "mirrored": np.concatenate([half, half[:, ::-1]], axis=1),
        "gradients": 255 * np.outer(x, x)[None] * rng.uniform(0.5, 1, (300, 1, 1)),
    }


@pytest.mark.parametrize("kind", sorted(_batches()))
def test_bits_equal_scipys(kind: str) -> None:
    a32 = _batches()[kind]
    assert (imagehash_bits.phash_bits(a32) == _scipy_bits(a32)).all()


def test_whole_pipeline_equals_imagehash_on_a_flat_and_a_busy_picture() -> None:
    rng = np.random.default_rng(3)
    busy = Image.fromarray(rng.integers(0, 255, (120, 90, 3), dtype=np.uint8))
    flat = Image.new("RGB", (64, 64), (90, 90, 90))
    for img in (busy, flat):
        bundle = perceptual.compute_bundle(img)
        assert bundle["phash"] == str(imagehash.phash(img))
