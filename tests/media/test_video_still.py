"""One frame of a video for a reveal, and the times of the frames in its strip."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from triage_app.demo.synthetic_video import Scene, write_video
from triage_app.domain.records import DECODED, FileRecord
from triage_app.media import video_access
from triage_app.media.blur import RawImage
from triage_app.media.video_access import VideoViewError
from triage_app.media.video_frames import FrameSampler, VideoFacts, analyse_video, merge_video
from triage_app.media.video_still import decode_frame_at
from triage_app.media.video_strip import POOL_SIZE, STRIP_HEIGHT, small_copy, strip_samples

SCENE = Scene(seed=17, width=320, height=240)


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("still") / "film.mp4"
    return write_video(path, SCENE, seconds=9.0, gop=25).read_bytes()


def _array(raw: RawImage) -> np.ndarray:
    return np.frombuffer(raw.data, np.uint8).reshape(raw.height, raw.width, 3).astype(float)


def test_the_frame_nearest_the_time_is_decoded_reduced(film: bytes) -> None:
    view = decode_frame_at(film, 3.3, max_side=160)
    assert view.t == pytest.approx(3.28, abs=0.021)  # 25 fps: frames every 0.04 s
    assert (view.image.width, view.image.height) == (160, 120)
    assert (view.original_width, view.original_height) == (320, 240)
    truth = np.asarray(Image.fromarray(SCENE.frame(view.t)).resize((160, 120)), dtype=float)
    assert np.abs(_array(view.image) - truth).mean() < 12


def test_times_before_the_start_and_past_the_end(film: bytes) -> None:
    assert decode_frame_at(film, -5.0).t == 0.0
    assert decode_frame_at(film, 500.0).t == pytest.approx(8.96, abs=0.05)


def test_a_damaged_or_foreign_file_is_a_one_line_error(film: bytes) -> None:
    for data in (film[: len(film) // 3], b"\x00\x00\x00\x18ftypisom" + b"\x5a" * 5000, b""):
        with pytest.raises(VideoViewError) as caught:
            decode_frame_at(data, 1.0)
        assert "\n" not in str(caught.value) and str(caught.value).startswith("video not shown")


def test_absurd_frame_sizes_are_refused(film: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video_access, "MAX_PIXELS", 1000)
    with pytest.raises(VideoViewError, match="absurd frame size 320x240"):
        decode_frame_at(film, 1.0)


def test_the_time_budget_ends_the_search(film: bytes) -> None:
    with pytest.raises(VideoViewError, match="took over"):
        decode_frame_at(film, 8.0, budget=-1.0)


def test_strip_samples_follow_the_ingest_pool_past_its_size() -> None:
    """Driven with many distinct samples, the pool halves; the strip's cells are the
    samples :func:`strip_samples` names."""
    rng = np.random.default_rng(3)
    count = POOL_SIZE * 3 + 7
    pictures = [
        Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)) for _ in range(count)
    ]
    facts = VideoFacts(DECODED)
    sampler = FrameSampler(facts, 0.0, 1e12)
    for i, picture in enumerate(pictures):
        sampler.take_picture(picture, float(i))
    assert facts.frames_sampled == count  # noise: no two alike
    assert facts.strip_stride == 4
    chosen = strip_samples(count)
    assert chosen[0] == 0 and len(chosen) == 6
    pool_indexes = list(range(0, count, facts.strip_stride))
    assert len(pool_indexes) == len(facts.strip_pool)
    for k in chosen:
        cell = facts.strip_pool[pool_indexes.index(k)]
        assert cell.tobytes() == small_copy(pictures[k]).tobytes()
    assert strip_samples(0) == [] and strip_samples(3) == [0, 1, 2]


def test_the_frame_at_each_strip_time_looks_like_its_strip_cell(film: bytes) -> None:
    """The strip stored as the thumbnail, cut into its cells: the frame decoded at strip
    time k is nearest cell k (and close to it)."""
    facts = analyse_video(film)
    assert facts.decode_status == DECODED
    record = FileRecord(path=b"film.mp4", entry_kind="file", status="hashed")
    merge_video(record, facts)
    assert record.thumbnail is not None
    strip = np.asarray(Image.open(io.BytesIO(record.thumbnail)), dtype=float)
    width = 128  # 320x240 frames at the strip's height of 96
    times = [facts.samples[i].t for i in strip_samples(facts.frames_sampled)]
    assert len(times) == 6 and strip.shape[1] == 6 * width + 5 * 2
    cells = [strip[:, k * (width + 2) : k * (width + 2) + width] for k in range(6)]
    for k, t in enumerate(times):
        view = decode_frame_at(film, t)
        assert view.t == t
        small = np.asarray(small_copy(Image.fromarray(_array(view.image).astype(np.uint8))), float)
        assert small.shape == (STRIP_HEIGHT, width, 3)
        own = np.abs(small - cells[k]).mean()
        others = [np.abs(small - c).mean() for j, c in enumerate(cells) if j != k]
        assert own < 6 and own < min(others) / 2, (k, own, others)
