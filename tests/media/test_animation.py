"""Animated GIF/WebP/APNG: frames sampled like a video's, bounded; frames by time."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.animation_helpers import (
    FORMATS,
    SCENE,
    animation,
    claiming_apng,
    huge_canvas_gif,
    many_frames_gif,
    still_gif,
)
from triage_app.demo.synthetic_video import Scene, write_video
from triage_app.domain.records import DECODED, PARTIAL, FileRecord
from triage_app.ingest.describe import describe
from triage_app.media import animation as anim
from triage_app.media import sniff
from triage_app.media.full_view import ViewError
from triage_app.media.video_frames import analyse_video
from triage_app.media.video_strip import STRIP_HEIGHT, strip_samples


def _described(data: bytes, name: str) -> FileRecord:
    record = FileRecord(path=name.encode(), entry_kind="file", status="hashed", size=len(data))
    return describe(record, data[: sniff.HEAD_BYTES], data, None)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_an_animation_is_sampled_like_a_video_and_stays_an_image(fmt: str) -> None:
    data = animation(fmt)  # 12 frames of half a second
    record = _described(data, f"a.{fmt.lower()}")
    assert record.media_type == "image" and record.format == fmt
    assert record.decode_status == DECODED, record.reason
    assert record.frames == 12
    assert (record.duration_s, record.fps) == (6.0, 2.0)
    assert record.frames_sampled == 6  # at most one a second, as a video's
    assert [f.t for f in record.video_frames] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert all(len(f.pdq or "") == 64 for f in record.video_frames)
    assert record.thumbnail is not None and record.thumbnail_size is not None
    width, height = record.thumbnail_size
    assert height == STRIP_HEIGHT and width == 6 * 128 + 5 * 2  # a strip of six frames
    # The item's own hashes stay the first frame's, as for a still image.
    first = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(first, "PNG")
    still = _described(first.getvalue(), "first.png")
    assert record.phash == still.phash and record.pdq == still.pdq


def test_a_one_frame_gif_stays_a_plain_image() -> None:
    record = _described(still_gif(), "still.gif")
    assert record.decode_status == DECODED and record.frames == 1
    assert record.frames_sampled is None and record.duration_s is None
    assert record.video_frames == [] and record.thumbnail_size == (160, 120)


def test_an_animation_of_alike_frames_keeps_its_thumbnail() -> None:
    data = animation("GIF", frames=3, duration=200)  # 0.6 s: one sample
    record = _described(data, "short.gif")
    assert record.frames_sampled is None and record.video_frames == []
    assert record.thumbnail_size == (160, 120)
    assert any("too short to sample" in n for n in record.notes)


def test_a_huge_canvas_is_refused_as_a_bomb() -> None:
    started = time.monotonic()
    record = _described(huge_canvas_gif(), "huge.gif")
    assert record.decode_status == "failed" and "decompression bomb" in (record.reason or "")
    assert record.video_frames == [] and time.monotonic() - started < 2


def test_a_gif_of_thousands_of_frames_is_capped_with_a_reason() -> None:
    started = time.monotonic()
    record = _described(many_frames_gif(2600), "many.gif")
    assert time.monotonic() - started < 20
    assert record.decode_status == DECODED  # the first frame decoded whole
    note = next(n for n in record.notes if n.startswith("animation sampled in part"))
    assert f"more than {anim.MAX_FRAMES} frames" in note and "\n" not in note
    assert record.duration_s == pytest.approx(anim.MAX_FRAMES * 0.02)
    assert record.frames_sampled is not None and record.frames_sampled > 1


def test_the_canvas_pixel_budget_caps_the_frames_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anim, "MAX_TOTAL_PIXELS", 160 * 120 * 5)
    facts = anim.analyse_animation(animation("PNG"), "PNG")
    assert facts.decode_status == PARTIAL and facts.frames == 5
    assert "more than 5 frames (the cap on canvas pixels (160x120 canvas))" in (facts.reason or "")


def test_the_time_budget_ends_the_sampling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anim, "TIME_BUDGET", -1.0)
    facts = anim.analyse_animation(animation("GIF"), "GIF")
    assert facts.decode_status == PARTIAL and "time budget" in (facts.reason or "")


def test_an_apng_claiming_a_million_frames_reads_what_is_there() -> None:
    started = time.monotonic()
    record = _described(claiming_apng(1_000_000), "claims.png")
    assert time.monotonic() - started < 5
    assert record.frames == 3 and record.decode_status == PARTIAL
    assert record.frames_sampled == 2 and "\n" not in " ".join(record.notes)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_frame_at_a_strip_time_is_that_frame(fmt: str) -> None:
    data = animation(fmt)
    record = _described(data, f"a.{fmt.lower()}")
    times = [record.video_frames[i].t for i in strip_samples(len(record.video_frames))]
    for t in times:
        view = anim.frame_at(data, fmt, t)
        assert view.t == t and (view.image.width, view.image.height) == (160, 120)
        shown = np.frombuffer(view.image.data, np.uint8).reshape(120, 160, 3).astype(float)
        assert np.abs(shown - SCENE.frame(t)).mean() < 12  # frame i is the scene at i/2 s
    assert anim.frame_at(data, fmt, 2.4).t == 2.0  # the frame shown from 2.0 to 2.5 s
    assert anim.frame_at(data, fmt, 99.0).t == 5.5  # past the end: the last frame


def test_playing_an_animation_gives_frames_when_due() -> None:
    data = animation("GIF")
    played = list(anim.play_animation(data, "GIF", 1.2, 2.0, fps=8, max_side=80))
    assert [t for t, _ in played] == [1.2, 1.5, 2.0, 2.5, 3.0]
    assert played[0][1].width == 80
    assert len(list(anim.play_animation(data, "GIF", 0, 6, fps=1, max_side=8))) == 6


def test_a_damaged_animation_is_a_one_line_view_error() -> None:
    data = animation("GIF")
    with pytest.raises(ViewError) as caught:
        anim.frame_at(data[:200], "GIF", 3.0)
    assert "\n" not in str(caught.value)


def test_an_animation_cut_from_a_video_matches_its_frames(tmp_path: Path) -> None:
    """The video matcher's rule finds a known video in a GIF made of its frames (scaled,
    in 256 colours), and not in a GIF of another scene."""
    from triage_app.matching.video_match import FrameArrays, compare

    film = write_video(tmp_path / "known.mp4", SCENE, seconds=6.0).read_bytes()
    known = FrameArrays.of(analyse_video(film).samples)
    cut = anim.analyse_animation(animation("GIF", size=(120, 90)), "GIF")
    found = compare(FrameArrays.of(cut.samples), known, 10)
    assert found is not None and found.matched and found.query_share == 1.0
    other = anim.analyse_animation(animation("GIF", scene=Scene(seed=47)), "GIF")
    result = compare(FrameArrays.of(other.samples), known, 10)
    assert result is None or not result.matched
