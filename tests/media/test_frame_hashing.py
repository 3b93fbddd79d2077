"""The video sampler's fast paths give the same bytes and bits as the plain ones.

A frame's picture is read straight from PyAV's plane, and PDQ's box filter of a byte
picture's luma is each pair's mean: both must be bit for bit what PyAV and scipy give,
or a video's stored hashes would change.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.video_helpers import write
from triage_app.media import frame_hashing, pdq
from triage_app.media.frame_hashing import THUMB_SIZES
from triage_app.media.video_frames import analyse_video
from triage_app.media.video_strip import small_copy


@pytest.mark.parametrize(("width", "height"), [(256, 192), (256, 144), (144, 256), (200, 129),
                                               (129, 256), (256, 20), (64, 64)])  # fmt: skip
def test_pdq_pair_means_are_scipys_box_filter(width: int, height: int) -> None:
    rng = np.random.default_rng(width + height)
    for _ in range(6):
        rgb = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
        luma = pdq.pdq_luma(rgb)
        plain, fast = luma, luma
        for _pass in range(2):
            for window, axis in ((pdq._window(width), 1), (pdq._window(height), 0)):
                plain = pdq._box(plain, window, axis)
                fast = pdq._box(fast, window, axis, from_bytes=True)
                assert np.array_equal(plain.view(np.uint32), fast.view(np.uint32))
        assert np.array_equal(pdq._downsample(luma), pdq._downsample(luma, from_bytes=True))


def test_pdq_luma_is_the_three_bands_sum() -> None:
    rng = np.random.default_rng(4)
    rgb = Image.fromarray(rng.integers(0, 256, (90, 130, 3), dtype=np.uint8))
    red, green, blue = (np.asarray(band, dtype=np.float32) for band in rgb.split())
    weights = [np.float32(w) for w in (0.299, 0.587, 0.114)]
    want = red * weights[0] + green * weights[1] + blue * weights[2]
    assert np.array_equal(pdq.pdq_luma(rgb).view(np.uint32), want.view(np.uint32))


def test_frame_pictures_and_strip_copies_are_pyavs_and_pillows(tmp_path: Path) -> None:
    """The reduced frame read straight from the plane is ``to_image``'s; the strip's
    small copy is :func:`small_copy`'s; the samples' hashes are those of the plain path."""
    import av

    from triage_app.media.imagehash_bits import hash_batch

    path = write(tmp_path, "original.mp4")
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))[:30:7]
    for frame in frames:
        img = frame_hashing.picture(frame)
        small = frame.reformat(width=256, height=192, format="rgb24", interpolation="AREA")
        assert img.mode == "RGB"
        assert img.tobytes() == small.to_image().tobytes()  # type: ignore[no-untyped-call]
        assert frame_hashing.strip_copy(img).tobytes() == small_copy(img).tobytes()
        grey = img.convert("L")
        thumbs = [np.asarray(grey.resize(s, Image.Resampling.LANCZOS), dtype=np.float64)
                  for s in THUMB_SIZES]  # fmt: skip
        ((phash, dhash, _v),) = hash_batch([tuple(thumbs)])  # type: ignore[list-item]
        sample = frame_hashing.hash_frame(0, 0.0, img)
        assert (sample.phash, sample.dhash) == (phash, dhash)
    facts = analyse_video(path.read_bytes())
    assert facts.samples and all(len(s.pdq or "") == 64 for s in facts.samples)
