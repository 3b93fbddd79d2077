"""Video frames: sampled, hashed and bounded (synthetic films made with PyAV here)."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import av
import imagehash
import numpy as np
import pytest
from PIL import Image

from media.video_helpers import write
from triage_app.demo.synthetic_video import Scene, write_video
from triage_app.domain.records import DECODE_FAILED, DECODED, NOT_DECODED, PARTIAL
from triage_app.media import video_frames
from triage_app.media.video_frames import analyse_video
from triage_app.media.video_strip import blurred_strip, frame_strip, pick


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("films")
    for name in ("original.mp4", "unrelated.mp4"):
        write(folder, name)
    return folder


def test_facts_and_one_sample_a_second(films: Path) -> None:
    facts = analyse_video((films / "original.mp4").read_bytes(), "MP4")
    assert facts.decode_status == DECODED, facts.reason
    assert (facts.width, facts.height, facts.codec, facts.fps) == (640, 480, "h264", 25.0)
    assert facts.duration_s == pytest.approx(4.0, abs=0.1)
    times = [s.t for s in facts.samples]
    assert times[0] == 0.0
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(times))
    assert 3 <= facts.frames_sampled <= 5
    assert all(len(s.pdq or "") == 64 and s.pdq_quality is not None for s in facts.samples)


def test_frame_hashes_are_imagehash_of_the_reduced_frame(films: Path) -> None:
    """Bit for bit imagehash's on the frame reduced to 256 px; within a few bits of
    imagehash's on the full frame (so a still of a known frame finds it)."""
    facts = analyse_video((films / "original.mp4").read_bytes())
    with av.open(str(films / "original.mp4")) as container:
        frame: Any = next(container.decode(video=0))
    small = frame.reformat(width=256, height=192, format="rgb24", interpolation="AREA")
    assert facts.samples[0].phash == str(imagehash.phash(small.to_image()))
    assert facts.samples[0].dhash == str(imagehash.dhash(small.to_image()))
    full = frame.to_image()
    assert imagehash.hex_to_hash(facts.samples[0].phash) - imagehash.phash(full) <= 4
    assert imagehash.hex_to_hash(facts.samples[0].dhash) - imagehash.dhash(full) <= 6


def test_keyframes_suffice_when_close(tmp_path: Path) -> None:
    """All-intra film: only keyframes decoded, near-identical neighbours kept once."""
    path = write_video(tmp_path / "intra.mp4", Scene(5), seconds=2.0, gop=1)
    facts = analyse_video(path.read_bytes())
    assert facts.decode_status == DECODED
    # 50 keyframes, but a moving scene changes slowly: consecutive near-duplicates merge.
    assert 2 <= facts.frames_sampled < 50


def test_reads_a_file_object_and_leaves_it(films: Path) -> None:
    data = (films / "original.mp4").read_bytes()
    with open(films / "original.mp4", "rb") as handle:
        facts = analyse_video(handle)
    assert facts.decode_status == DECODED
    assert (films / "original.mp4").read_bytes() == data


def test_no_audio_is_decoded(tmp_path: Path) -> None:
    """A film with a sound track: the video is sampled, the audio stream never decoded."""
    path = tmp_path / "sound.mp4"
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        audio = out.add_stream("aac", rate=8000)
        for i in range(25):
            picture = np.full((120, 160, 3), i * 9 % 255, dtype=np.uint8)
            picture[20:60, i * 4 : i * 4 + 40] = 250
            for packet in video.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        tone = av.AudioFrame.from_ndarray(np.zeros((1, 1024), dtype=np.float32), "fltp", "mono")
        tone.sample_rate = 8000
        for packet in audio.encode(tone):
            out.mux(packet)
        for stream in (video, audio):
            for packet in stream.encode():
                out.mux(packet)
    facts = analyse_video(path.read_bytes())
    assert facts.decode_status == DECODED, facts.reason
    assert facts.frames_sampled >= 1


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("garbage", b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 40, DECODE_FAILED, "video"),
        ("random", np.random.default_rng(3).bytes(50_000), DECODE_FAILED, "cannot open"),
    ],
)
def test_hostile_bytes_give_a_reason(name: str, data: bytes, status: str, words: str) -> None:
    facts = analyse_video(data)
    assert facts.decode_status in (status, NOT_DECODED)
    assert facts.reason and words in facts.reason and "\n" not in facts.reason


def test_truncated_film_is_partial_or_failed_with_reason(films: Path) -> None:
    data = (films / "original.mp4").read_bytes()
    for cut in (len(data) // 2, 200):
        facts = analyse_video(data[:cut])
        assert facts.decode_status in (PARTIAL, DECODE_FAILED, DECODED)
        if facts.decode_status != DECODED:
            assert facts.reason and "\n" not in facts.reason


def test_truncated_matroska_keeps_what_it_decoded(tmp_path: Path) -> None:
    path = write_video(tmp_path / "cut.mkv", Scene(8), seconds=4.0, gop=25)
    data = path.read_bytes()
    facts = analyse_video(data[: len(data) * 2 // 3])
    assert facts.samples, facts.reason
    assert facts.decode_status in (DECODED, PARTIAL)


def test_absurd_size_is_refused(monkeypatch: pytest.MonkeyPatch, films: Path) -> None:
    monkeypatch.setattr(video_frames, "MAX_PIXELS", 100 * 100)
    facts = analyse_video((films / "original.mp4").read_bytes())
    assert facts.decode_status == NOT_DECODED
    assert facts.reason == "video not decoded: absurd frame size 640x480"


def test_sample_limit_leaves_a_partial(monkeypatch: pytest.MonkeyPatch, films: Path) -> None:
    monkeypatch.setattr(video_frames, "MAX_SAMPLES", 2)
    facts = analyse_video((films / "original.mp4").read_bytes())
    assert facts.decode_status == PARTIAL
    assert facts.frames_sampled == 2
    assert facts.reason is not None and "more than 2 frames" in facts.reason


def test_time_budget_ends_the_work(monkeypatch: pytest.MonkeyPatch, films: Path) -> None:
    monkeypatch.setattr(video_frames, "TIME_BUDGET", 0.0)
    facts = analyse_video((films / "original.mp4").read_bytes())
    assert facts.decode_status in (PARTIAL, DECODE_FAILED)
    assert facts.reason is not None and "time budget" in facts.reason


def test_zero_length_stream(tmp_path: Path) -> None:
    """A container whose video stream holds no frames at all."""
    path = tmp_path / "empty.mkv"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        out.start_encoding()
        for packet in stream.encode():
            out.mux(packet)
    assert path.stat().st_size > 0
    facts = analyse_video(path.read_bytes())
    assert facts.decode_status in (DECODE_FAILED, NOT_DECODED)
    assert facts.reason is not None and facts.reason.startswith("video not decoded")


def test_strips() -> None:
    frames = [Image.new("RGB", (64, 48), (i * 20, 0, 0)) for i in range(10)]
    assert pick(10) == [0, 2, 4, 5, 7, 9]
    strip = frame_strip(frames)
    assert strip.height == 96 and strip.width == 6 * 128 + 5 * 2
    blurred = blurred_strip(frames)
    assert blurred.mode == "L" and blurred.height == 96
    with pytest.raises(ValueError, match="at least one frame"):
        frame_strip([])


def test_stored_thumbnail_is_the_strip(films: Path) -> None:
    from triage_app.domain.records import FileRecord

    record = FileRecord(path=b"original.mp4", entry_kind="file", status="hashed")
    video_frames.merge_video(record, analyse_video((films / "original.mp4").read_bytes()))
    assert record.thumbnail is not None and record.thumbnail_size is not None
    with Image.open(io.BytesIO(record.thumbnail)) as img:
        assert img.height == 96 and img.width > 4 * 96
    assert record.frames_sampled == len(record.video_frames) >= 3
    assert record.phash == record.video_frames[0].phash
