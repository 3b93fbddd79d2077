"""Frames of a video or animation revealed from the original: by time, the strip's
times, muted playback; every failure a one-line NoFullViewError."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import TEST_PASSWORD, TEST_USER
from media.animation_helpers import animation
from media.video_helpers import write_with_sound
from PIL import Image

from triage_app.case.session import CaseSession
from triage_app.demo.synthetic_video import Scene, write_video
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.media.blur import RawImage
from triage_app.media.video_strip import STRIP_HEIGHT, small_copy
from triage_app.review.originals import (
    NoFullViewError,
    load_frame_view,
    load_full_view,
    open_playback,
    strip_frame_times,
)
from triage_app.storage.case_store import CaseStore

FILM = Scene(seed=41, width=320, height=240)


@pytest.fixture(scope="module")
def case(
    tmp_path_factory: pytest.TempPathFactory, test_password_hash: str
) -> Iterator[tuple[CaseSession, dict[str, int], Path]]:
    seized = tmp_path_factory.mktemp("seized")
    write_video(seized / "film.mp4", FILM, seconds=9.0)
    write_with_sound(seized / "sound.mp4")
    (seized / "anim.gif").write_bytes(animation("GIF"))
    (seized / "anim.webp").write_bytes(animation("WEBP"))
    Image.new("RGB", (64, 48), (10, 200, 30)).save(seized / "still.png")
    data = (seized / "film.mp4").read_bytes()
    (seized / "gone.mp4").write_bytes(data)
    folder = tmp_path_factory.mktemp("case") / "c"
    CaseStore.create(
        folder, reference="OP-F", examiner=TEST_USER, password_hash=test_password_hash
    ).close()
    with CaseSession.sign_in(folder, TEST_USER, TEST_PASSWORD) as session:
        ingest(session.store, seized, "F/1", IngestOptions(workers=1), actor=session.actor)
        ids = {i.record.path.decode(): i.id for i in session.store.iter_items()}
        (seized / "gone.mp4").unlink()
        (seized / "sound.mp4").write_bytes(data[: len(data) // 2])  # damaged since ingest
        yield session, ids, seized


def _cells(session: CaseSession, item_id: int) -> list[np.ndarray]:
    strip = session.store.thumbnail(item_id)
    assert strip is not None
    img = np.asarray(Image.open(io.BytesIO(strip)).convert("RGB"), dtype=float)
    assert img.shape[0] == STRIP_HEIGHT
    width = (img.shape[1] - 2 * 5) // 6
    return [img[:, k * (width + 2) : k * (width + 2) + width] for k in range(6)]


def _small(raw: RawImage) -> np.ndarray:
    img = Image.frombytes("RGB", (raw.width, raw.height), raw.data)
    return np.asarray(small_copy(img), dtype=float)


@pytest.mark.parametrize("name", ["film.mp4", "anim.gif", "anim.webp"])
def test_the_frame_at_strip_time_k_looks_like_strip_cell_k(
    case: tuple[CaseSession, dict[str, int], Path], name: str
) -> None:
    session, ids, _ = case
    times = strip_frame_times(session, ids[name])
    assert len(times) == 6 and times == sorted(times) and times[0] == 0.0
    cells = _cells(session, ids[name])
    for k, t in enumerate(times):
        view = load_frame_view(session, ids[name], t)
        assert view.t == t
        small = _small(view.image)
        own = np.abs(small - cells[k]).mean()
        others = [np.abs(small - c).mean() for j, c in enumerate(cells) if j != k]
        assert own < 8 and own < min(others) / 2, (name, k, own, others)


def test_a_frame_view_is_capped_and_knows_the_original_size(
    case: tuple[CaseSession, dict[str, int], Path],
) -> None:
    session, ids, _ = case
    view = load_frame_view(session, ids["film.mp4"], 4.5, max_side=100)
    assert (view.image.width, view.image.height) == (100, 75)
    assert (view.original_width, view.original_height) == (320, 240)
    assert view.t == pytest.approx(4.5, abs=0.021)


def test_playback_reads_the_original_and_plays_the_pictures(
    case: tuple[CaseSession, dict[str, int], Path],
) -> None:
    session, ids, _ = case
    frames = list(open_playback(session, ids["film.mp4"], 2.0, 2.0, fps=5, max_side=64))
    assert 9 <= len(frames) <= 11 and [t for t, _ in frames] == sorted(t for t, _ in frames)
    assert frames[0][1].width == 64
    gif = list(open_playback(session, ids["anim.gif"], 0.0, 3.0, fps=8, max_side=64))
    assert [t for t, _ in gif] == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]


def test_what_cannot_be_shown_says_why_in_one_line(
    case: tuple[CaseSession, dict[str, int], Path],
) -> None:
    session, ids, _ = case
    problems = {
        "not a video": lambda: load_frame_view(session, ids["still.png"], 1.0),
        "not in the case": lambda: load_frame_view(session, 99_999, 1.0),
        "no longer at": lambda: load_frame_view(session, ids["gone.mp4"], 1.0),
        "still image": lambda: load_full_view(session, ids["film.mp4"]),
        "playback gone": lambda: open_playback(session, ids["gone.mp4"], 0.0, 1.0),
        "damaged": lambda: load_frame_view(session, ids["sound.mp4"], 1.0),
        "damaged playback": lambda: list(open_playback(session, ids["sound.mp4"], 0.0, 1.0)),
    }
    for what, call in problems.items():
        with pytest.raises(NoFullViewError) as caught:
            call()
        assert "\n" not in str(caught.value) and str(caught.value), what
    assert strip_frame_times(session, ids["still.png"]) == []
