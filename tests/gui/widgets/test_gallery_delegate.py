"""Render the gallery offscreen and check that every tile is blurred and grey."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from gui.helpers import wait_thumbnails
from triage_app.config.viewer_settings import ViewerSettings
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import QImage, QRect
from triage_app.gui.widgets.gallery_delegate import MARGIN
from triage_app.gui.window.main_window import MainWindow
from triage_app.media.blur import high_frequency_energy, reveal_image


def _array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def _picture(window: MainWindow, shot: np.ndarray, row: int) -> np.ndarray:
    """The drawn picture inside tile ``row`` (the blurred image, without margins)."""
    model = window.panel.model
    assert model is not None
    index = model.index(row)
    image: QImage = index.data(Role.ThumbnailRole)
    size = window.panel.delegate.tile_size
    rect: QRect = window.panel.view.visualRect(index)
    scale = size / max(image.width(), image.height())
    w, h = round(image.width() * scale), round(image.height() * scale)
    x = rect.x() + MARGIN + (size - w) // 2
    y = rect.y() + MARGIN + (size - h) // 2
    # stay clear of the badges drawn along the picture's top and bottom edges
    edge = min(22, h // 3)
    return shot[y + edge : y + h - edge, x + 2 : x + w - 2]


@pytest.mark.parametrize("tile", [64, 128, 256])
def test_rendered_tiles_are_blurred_and_grey_at_any_size(
    qtbot: QtBot, window: MainWindow, tile: int, tmp_path: Path
) -> None:
    window.resize(1400, 900)
    window.apply_settings(ViewerSettings(tile_size=tile), save=False)
    wait_thumbnails(qtbot, window)
    grab = window.panel.view.viewport().grab().toImage()
    grab.save(str(tmp_path / f"gallery-{tile}.png"))
    shot = _array(grab)
    model, session = window.panel.model, window.session
    assert model is not None and session is not None
    checked = 0
    for row in range(min(model.rowCount(), 6)):
        if model.index(row).data(Role.ThumbnailRole) is None:
            continue
        drawn = _picture(window, shot, row).astype(np.float64)
        assert drawn.shape[0] >= 8 and drawn.shape[1] >= 8
        assert np.abs(drawn[..., 0] - drawn[..., 1]).max() <= 2, "tiles are drawn in grey"
        stored = session.store.thumbnail(model.index(row).data(Role.ItemIdRole))
        assert stored is not None
        sharp = reveal_image(stored)
        as_drawn = Image.frombytes("RGB", (sharp.width, sharp.height), sharp.data).resize(
            (drawn.shape[1], drawn.shape[0])
        )
        sharp_energy = high_frequency_energy(np.asarray(as_drawn))
        blurred_energy = high_frequency_energy(drawn)
        assert blurred_energy < sharp_energy / 20, (row, blurred_energy, sharp_energy)
        checked += 1
    assert checked >= 3


def test_a_video_strip_paints_as_a_contact_sheet_or_whole_when_frames_are_unknown(
    qtbot: QtBot,
) -> None:
    """A video's strip thumbnail is laid out as a sheet of its frames (the chosen one
    framed); a video whose frame count is not stored (an older case) still paints."""
    from gui.helpers import gallery_row
    from triage_app.config.schemes import load_scheme
    from triage_app.gui.models.gallery_model import GalleryModel
    from triage_app.gui.qt import QPainter, QPixmap, QStyleOptionViewItem
    from triage_app.gui.widgets.gallery_delegate import GalleryDelegate, sheet_cells

    strip = QImage(6 * 128, 96, QImage.Format.Format_Grayscale8)
    strip.fill(90)

    class Loader:
        loaded_many = None

        def cached(self, _item: int) -> QImage:
            return strip

        def has_no_thumbnail(self, _item: int) -> bool:
            return False

    cells = sheet_cells(128, 128, 6, strip.width(), strip.height())
    assert len(cells) == 6 and len({(c.x(), c.y()) for c in cells}) == 6
    assert all(c.width() > 30 for c in cells), "frames laid out in rows, not a thin strip"
    model = GalleryModel(load_scheme("uk"))
    model._loader = Loader()  # type: ignore[assignment]
    model.set_rows([
        gallery_row(1, media_type="video", format="MP4", width=320, height=240,
                    frames_sampled=6),
        gallery_row(2, media_type="video", format="MP4", width=320, height=240),
    ])  # fmt: skip
    model.set_filter(lambda _r: True, collapse=False)
    model.set_frame(1, 2, 6)
    delegate = GalleryDelegate(128)
    for row in (0, 1):
        pixmap = QPixmap(delegate.cell_size())
        painter = QPainter(pixmap)
        option = QStyleOptionViewItem()
        option.rect = pixmap.rect()
        delegate.paint(painter, option, model.index(row))
        painter.end()
        assert not pixmap.toImage().isNull()
