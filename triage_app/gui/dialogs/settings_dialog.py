"""Viewer settings: tile size, blur strength, reveal time and size, break reminder."""

from __future__ import annotations

from typing import Any, TypeVar

from triage_app.config.viewer_settings import (
    BLUR_LEVELS,
    BREAK_MINUTES_RANGE,
    DEFAULT_BLUR,
    REVEAL_SECONDS_RANGE,
    REVEAL_SIZE_RANGE,
    TILE_RANGE,
    ViewerSettings,
)
from triage_app.gui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)
from triage_app.gui.widgets.forms import ok_cancel

Spin = TypeVar("Spin", QSpinBox, QDoubleSpinBox)


def _spin(box: Spin, limits: tuple[Any, Any], value: Any, suffix: str, step: int = 0) -> Spin:
    """``box`` limited to ``limits``, showing ``value`` with ``suffix`` (and ``step``)."""
    box.setRange(*limits)
    if step:
        box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setValue(value)
    return box


class SettingsDialog(QDialog):
    """Edits :class:`~triage_app.config.viewer_settings.ViewerSettings` (clamped to safe ranges)."""

    def __init__(self, settings: ViewerSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Viewer settings")
        form = QFormLayout(self)
        self.tile = _spin(QSpinBox(), TILE_RANGE, settings.tile_size, " px", step=16)
        self.blur = QComboBox()
        for name, cells in BLUR_LEVELS.items():
            default = " (default)" if name == DEFAULT_BLUR else ""
            self.blur.addItem(f"{name}: {cells} cells across{default}", name)
        self.blur.setCurrentIndex(max(0, self.blur.findData(settings.blur)))
        self.reveal_seconds = _spin(
            QDoubleSpinBox(), REVEAL_SECONDS_RANGE, settings.reveal_seconds, " s"
        )
        self.reveal_seconds.setDecimals(1)
        self.reveal_size = _spin(
            QSpinBox(), REVEAL_SIZE_RANGE, settings.reveal_size, " px", step=32
        )
        self.break_minutes = _spin(QSpinBox(), BREAK_MINUTES_RANGE, settings.break_minutes, " min")
        self.break_minutes.setSpecialValueText("off")
        self.collapse = QCheckBox("Show one tile per duplicate group")
        self.collapse.setChecked(settings.collapse_groups)
        form.addRow("&Tile size:", self.tile)
        form.addRow("&Blur strength:", self.blur)
        form.addRow("&Reveal blurs again after:", self.reveal_seconds)
        form.addRow("Reveal &size:", self.reveal_size)
        form.addRow("Break &reminder every:", self.break_minutes)
        form.addRow(self.collapse)
        note = QLabel(
            "Tiles are always blurred and grey; an image is shown only while you hold Space "
            "or the mouse button on it, and every reveal is logged."
        )
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(ok_cancel(self.accept, self.reject))

    def value(self) -> ViewerSettings:
        """The settings as edited (validated)."""
        return ViewerSettings(
            tile_size=self.tile.value(),
            blur=str(self.blur.currentData()),
            reveal_seconds=self.reveal_seconds.value(),
            reveal_size=self.reveal_size.value(),
            break_minutes=self.break_minutes.value(),
            collapse_groups=self.collapse.isChecked(),
        ).validated()
