"""Viewer settings: tile size, blur strength, reveal time and size, break reminder."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from triage_app.config.viewer_settings import (
    BLUR_LEVELS,
    BREAK_MINUTES_RANGE,
    DEFAULT_BLUR,
    REVEAL_SECONDS_RANGE,
    REVEAL_SIZE_RANGE,
    TILE_RANGE,
    ViewerSettings,
)


class SettingsDialog(QDialog):
    """Edits :class:`~triage_app.config.viewer_settings.ViewerSettings` (clamped to safe ranges)."""

    def __init__(self, settings: ViewerSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Viewer settings")
        form = QFormLayout(self)
        self.tile = QSpinBox()
        self.tile.setRange(*TILE_RANGE)
        self.tile.setSingleStep(16)
        self.tile.setSuffix(" px")
        self.tile.setValue(settings.tile_size)
        self.blur = QComboBox()
        for name, cells in BLUR_LEVELS.items():
            default = " (default)" if name == DEFAULT_BLUR else ""
            self.blur.addItem(f"{name}: {cells} cells across{default}", name)
        self.blur.setCurrentIndex(max(0, self.blur.findData(settings.blur)))
        self.reveal_seconds = QDoubleSpinBox()
        self.reveal_seconds.setRange(*REVEAL_SECONDS_RANGE)
        self.reveal_seconds.setDecimals(1)
        self.reveal_seconds.setSuffix(" s")
        self.reveal_seconds.setValue(settings.reveal_seconds)
        self.reveal_size = QSpinBox()
        self.reveal_size.setRange(*REVEAL_SIZE_RANGE)
        self.reveal_size.setSingleStep(32)
        self.reveal_size.setSuffix(" px")
        self.reveal_size.setValue(settings.reveal_size)
        self.break_minutes = QSpinBox()
        self.break_minutes.setRange(*BREAK_MINUTES_RANGE)
        self.break_minutes.setSpecialValueText("off")
        self.break_minutes.setSuffix(" min")
        self.break_minutes.setValue(settings.break_minutes)
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

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
