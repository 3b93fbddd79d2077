"""Muted playback: video frames only, in time order, at a capped rate, bounded."""

from __future__ import annotations

import io
import itertools
from typing import Any

import av
import pytest

from media.video_helpers import SOUND_SCENE, write_with_sound
from triage_app.demo.synthetic_video import write_video
from triage_app.media import video_playback
from triage_app.media.video_access import VideoViewError
from triage_app.media.video_playback import play_frames

SCENE = SOUND_SCENE


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("play")
    return {
        "plain": write_video(folder / "plain.mkv", SCENE, seconds=6.0).read_bytes(),
        "sound": write_with_sound(folder / "sound.mp4").read_bytes(),
    }


def test_frames_come_in_time_order_at_the_capped_rate(films: dict[str, bytes]) -> None:
    frames = list(play_frames(films["plain"], 1.5, 3.0, fps=8, max_side=160))
    times = [t for t, _ in frames]
    assert times == sorted(times) and times[0] == pytest.approx(1.52, abs=0.05)
    assert times[0] >= 1.5 and times[-1] < 4.5
    assert 23 <= len(frames) <= 25  # 8 a second for 3 s
    assert all(b - a >= 0.1 for a, b in itertools.pairwise(times))
    first = frames[0][1]
    assert (first.width, first.height, first.mode) == (160, 120, "RGB")
    assert len(first.data) == 160 * 120 * 3


def test_a_rate_above_the_films_gives_every_frame(films: dict[str, bytes]) -> None:
    frames = list(play_frames(films["plain"], 0.0, 2.0, fps=100, max_side=64))
    assert len(frames) == 50  # 25 fps for 2 s
    assert [t for t, _ in frames] == pytest.approx([i / 25 for i in range(50)], abs=1e-3)


def test_playback_past_the_end_stops_quietly(films: dict[str, bytes]) -> None:
    frames = list(play_frames(films["plain"], 5.0, 30.0, fps=4, max_side=64))
    assert 3 <= len(frames) <= 5
    assert not list(play_frames(films["plain"], 0.0, 0.0, max_side=64))


def test_a_sound_track_is_never_decoded(
    films: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    contexts: list[Any] = []
    opened = video_playback.open_video

    def spy(data: bytes) -> tuple[Any, Any]:
        container, stream = opened(data)
        assert [s.type for s in container.streams] == ["video", "audio"]
        contexts.append(container.streams.audio[0].codec_context)
        return container, stream

    monkeypatch.setattr(video_playback, "open_video", spy)
    frames = play_frames(films["sound"], 0.0, 2.0, fps=8, max_side=64)
    t, first = next(frames)
    assert t == 0.0 and first.mode == "RGB"
    assert contexts[0].is_open is False  # no audio decoder was ever opened
    rest = list(frames)
    assert 14 <= len(rest) + 1 <= 16
    assert contexts[0].is_open is False
    with av.open(io.BytesIO(films["sound"])) as control:
        next(control.decode(audio=0))  # the check is meaningful: decoding opens it
        assert control.streams.audio[0].codec_context.is_open is True


def test_a_truncated_or_damaged_file_ends_with_one_line(films: dict[str, bytes]) -> None:
    sound = films["sound"]
    with pytest.raises(VideoViewError) as caught:
        list(play_frames(sound[: len(sound) // 2], 0.0, 3.0, max_side=64))  # no index left
    assert "\n" not in str(caught.value)
    plain = films["plain"]
    cut = plain[: len(plain) // 2]
    damaged = plain[:4000] + bytes(b ^ 0x5A for b in plain[4000:20000]) + plain[20000:]
    for data in (cut, damaged):
        try:
            frames = list(play_frames(data, 0.0, 6.0, fps=8, max_side=64))
        except VideoViewError as exc:
            assert "\n" not in str(exc)
        else:
            assert len(frames) < 49


def test_the_decoding_budget_ends_playback(
    films: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(video_playback, "BASE_BUDGET", -100.0)
    with pytest.raises(VideoViewError, match="took over"):
        list(play_frames(films["plain"], 0.0, 3.0, max_side=64))
