"""Thumbnails load lazily, off the GUI thread, and are cached blurred."""

from __future__ import annotations

import io
import threading

import numpy as np
from PIL import Image
from pytestqt.qtbot import QtBot

from gui.helpers import gallery_row
from triage_app.config.schemes import load_scheme
from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader
from triage_app.gui.models.gallery_model import GalleryModel, Role

UK = load_scheme("uk")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (60, 80, 3), np.uint8)).save(
        out, "JPEG"
    )
    return out.getvalue()


def test_thumbnails_load_lazily_off_the_gui_thread(qtbot: QtBot) -> None:
    data = _jpeg()
    fetched: list[tuple[int, bool]] = []

    def fetch(item_id: int) -> bytes | None:
        fetched.append((item_id, threading.current_thread() is threading.main_thread()))
        return None if item_id == 2 else data

    loader = ThumbnailLoader(fetch, cells=8)
    try:
        m = GalleryModel(UK, loader)
        m.set_rows([gallery_row(1), gallery_row(2), gallery_row(3, media_type="video")])
        m.set_filter(lambda r: True, collapse=False)
        assert fetched == []  # nothing is loaded until a tile asks for its picture
        first = m.index(0)
        with qtbot.waitSignal(m.dataChanged):
            assert first.data(Role.ThumbnailRole) is None  # placeholder while loading
        image = first.data(Role.ThumbnailRole)
        assert image is not None and image.width() == 128 and image.isGrayscale()
        with qtbot.waitSignal(loader.loaded):
            m.index(1).data(Role.ThumbnailRole)
        assert m.index(1).data(Role.NoThumbnailRole) is True
        assert m.index(2).data(Role.ThumbnailRole) is None  # a video's strip: loading
        qtbot.waitUntil(lambda: loader.idle, timeout=10_000)
        assert fetched and not any(on_gui for _, on_gui in fetched)
        assert {i for i, _ in fetched} == {1, 2, 3}, "a video's thumbnail is its frame strip"
    finally:
        loader.shutdown()
