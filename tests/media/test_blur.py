"""Blurred tiles: grey, small, far less detail than the thumbnail; the reveal image."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from triage_app.config.viewer_settings import (
    BLUR_LEVELS,
)
from triage_app.demo import synthetic
from triage_app.media import blur


def _jpeg(seed: int = 1, size: tuple[int, int] = (256, 192)) -> bytes:
    img = synthetic.scene(np.random.default_rng(seed), size)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _upscale(raw: blur.RawImage, size: tuple[int, int]) -> np.ndarray:
    img = Image.frombytes(raw.mode, (raw.width, raw.height), raw.data)
    return np.asarray(img.resize(size, Image.Resampling.BILINEAR), dtype=np.float64)


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
