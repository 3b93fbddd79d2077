"""Blind second grading in the workstation: the sample only, never the earlier grades.

An account given a QA sample to grade blind sees this window instead of the
gallery (the gallery shows grades) until the sample is complete. It lists the
sample in its blind order with the grader's own answers, shows the selected
item blurred and grey, reveals it only while "Hold to reveal" (or Space) is
held, for at most the reveal time limit, and logs every reveal with its
duration, as the gallery does. A category button (or the scheme's key)
records the grader's second grade with
:func:`triage_app.supervision.qa.record_second_grade`: it changes no grade of
the item.

Everything shown comes from :func:`triage_app.supervision.qa.blind_worklist`
(positions, item ids, exhibit, media type, own answers) and the stored
thumbnail; nothing else of the case is read. Reads and decoding run on the
dialog's reader thread, writes on the window's writer.
"""

from __future__ import annotations

from triage_app.case.session import CaseSession
from triage_app.gui.controllers.thumbnail_loader import load_image
from triage_app.gui.dialogs.reader_dialog import ReaderDialog
from triage_app.gui.qt import (
    QElapsedTimer,
    QHBoxLayout,
    QImage,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPushButton,
    QShortcut,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.forms import message_label
from triage_app.gui.workers import JobQueue
from triage_app.review.exposure import record_reveal
from triage_app.supervision import qa
from triage_app.supervision.qa import BlindItem, BlindProgress, BlindRound

#: Side of the picture area, in pixels.
PICTURE_SIDE = 320


class BlindGradingDialog(ReaderDialog):
    """Grade one QA round's sample blind.

    Signals:
        loaded(): the sample list is shown.
        graded(object): a second grade was recorded (its :class:`BlindProgress`).
        revealed(int, float): a reveal of this item ended after so many seconds (logged).
        failed(str): something was refused or failed (also shown in the window).
    """

    loaded = Signal()
    graded = Signal(object)
    revealed = Signal(int, float)

    READER = "reader-blind"
    SIZE = (900, 560)

    def __init__(
        self,
        session: CaseSession,
        writer: JobQueue,
        round_id: int,
        *,
        cells: int,
        reveal_seconds: float,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, writer, f"Blind second grading - QA round {round_id}", parent)
        self.round_id = round_id
        self.cells = cells
        self.reveal_seconds = reveal_seconds
        self.items: list[BlindItem] = []
        self.round: BlindRound | None = None
        self._tile: QImage | None = None
        self._revealing: int | None = None
        self._clock = QElapsedTimer()
        self._limit = QTimer(self)
        self._limit.setSingleShot(True)
        self._limit.timeout.connect(lambda: self.end_reveal("timed out"))
        self._build()
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.header = QLabel(
            f"QA round {self.round_id}: grade each item as you would, without the earlier "
            "grade (it is not shown, and the gallery stays closed until the sample is done). "
            "Your grades here change no grade of the case."
        )
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        body = QHBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName("Sample to grade")
        self.list.setMinimumWidth(300)
        body.addWidget(self.list)
        right = QVBoxLayout()
        self.picture = QLabel("")
        self.picture.setFixedSize(PICTURE_SIDE, PICTURE_SIDE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background-color: #202020; color: #c0c0c0;")
        self.picture.setAccessibleName("Blurred picture")
        right.addWidget(self.picture, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.reveal_button = QPushButton("Hold to reveal (Space)")
        self.reveal_button.setAutoRepeat(False)
        self.reveal_button.pressed.connect(self.start_reveal)
        self.reveal_button.released.connect(lambda: self.end_reveal("released"))
        right.addWidget(self.reveal_button)
        grades = QHBoxLayout()
        self.grade_buttons: dict[str, QPushButton] = {}
        for category in self.session.scheme.categories:
            button = QPushButton(f"{category.code} ({category.key})")
            button.setToolTip(category.label)
            button.clicked.connect(lambda _=False, c=category.code: self.grade(c))
            shortcut = QShortcut(QKeySequence(category.key), self)
            shortcut.activated.connect(lambda c=category.code: self.grade(c))
            grades.addWidget(button)
            self.grade_buttons[category.code] = button
        right.addLayout(grades)
        self.status = message_label(selectable=False)
        right.addWidget(self.status)
        right.addStretch(1)
        body.addLayout(right, 1)
        layout.addLayout(body, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self.list.currentRowChanged.connect(self._selected)

    # -- the sample -------------------------------------------------------------------

    def reload(self) -> None:
        """Read the blind worklist (reader thread)."""
        session, round_id = self.session, self.round_id
        self.read_then(lambda: qa.blind_worklist(session, round_id), self._loaded)

    def _loaded(self, result: tuple[BlindRound, list[BlindItem]]) -> None:
        self.round, self.items = result
        row = max(0, self.list.currentRow())
        self.list.blockSignals(True)
        self.list.clear()
        for item in self.items:
            self.list.addItem(QListWidgetItem(self._label(item)))
        self.list.blockSignals(False)
        self._progress()
        if self.items:
            self.list.setCurrentRow(min(row, len(self.items) - 1))
            self._selected(self.list.currentRow())
        self.loaded.emit()

    @staticmethod
    def _label(item: BlindItem) -> str:
        return (
            f"{item.position:>3}.  item {item.item_id}  ({item.exhibit}, {item.media_type or '-'})"
            f"  your grade: {item.your_grade or '-'}"
        )

    def _progress(self) -> None:
        done = sum(i.your_grade is not None for i in self.items)
        complete = bool(self.items) and done == len(self.items)
        self.status.setText(
            f"{done} of {len(self.items)} graded."
            + (" The sample is complete: your answers are final." if complete else "")
        )
        for button in self.grade_buttons.values():
            button.setEnabled(not complete)

    def current(self) -> BlindItem | None:
        """The selected item."""
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _selected(self, row: int) -> None:
        self.end_reveal("replaced by another reveal")
        self._tile = None
        self.picture.setText("…")
        if not 0 <= row < len(self.items):
            return
        item_id, session, cells = self.items[row].item_id, self.session, self.cells
        self.read_then(
            lambda: load_image(session.thumbnail, item_id, reveal=False, cells=cells),
            lambda image: self._show_tile(item_id, image),
        )

    def _show_tile(self, item_id: int, image: QImage | None) -> None:
        item = self.current()
        if item is None or item.item_id != item_id:
            return
        self._tile = image
        self._paint(image)

    def _paint(self, image: QImage | None) -> None:
        if image is None:
            self.picture.setPixmap(QPixmap())
            self.picture.setText("no picture stored")
            return
        self.picture.setPixmap(
            QPixmap.fromImage(image).scaled(
                PICTURE_SIDE,
                PICTURE_SIDE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    # -- reveals ----------------------------------------------------------------------

    def start_reveal(self) -> None:
        """Show the sharp picture while held (decoded on the reader thread)."""
        item = self.current()
        if item is None or self._revealing is not None:
            return
        self._revealing = item.item_id
        session, item_id = self.session, item.item_id
        self.reader.submit(
            lambda: load_image(session.thumbnail, item_id, reveal=True),
            lambda image: self._reveal_ready(item_id, image),
            self._failed,
        )

    def _reveal_ready(self, item_id: int, image: QImage | None) -> None:
        if self._closed or self._revealing != item_id or image is None:
            if self._revealing == item_id:
                self._revealing = None
            return
        self._paint(image)
        self._clock.start()
        self._limit.start(int(self.reveal_seconds * 1000))

    def end_reveal(self, how: str) -> None:
        """Blur again and log how long the picture was in the clear."""
        item_id = self._revealing
        if item_id is None:
            return
        self._revealing = None
        self._limit.stop()
        if not self._clock.isValid():
            return
        seconds = self._clock.elapsed() / 1000
        self._clock.invalidate()
        self._paint(self._tile)
        session = self.session
        self.writer.submit(
            lambda: record_reveal(session, item_id, seconds, how=f"qa blind, {how}"),
            on_error=self._failed,
        )
        self.revealed.emit(item_id, seconds)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space held: reveal."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.start_reveal()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        """Space released: blur again."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.end_reveal("released")
            return
        super().keyReleaseEvent(event)

    # -- grading ----------------------------------------------------------------------

    def grade(self, code: str) -> None:
        """Record the second grade of the selected item (writer thread)."""
        item = self.current()
        if item is None:
            return
        session, round_id, item_id = self.session, self.round_id, item.item_id
        self.write_then(
            lambda: qa.record_second_grade(session, round_id, item_id, code), self._graded
        )

    def _graded(self, progress: BlindProgress) -> None:
        self.items = [
            BlindItem(i.position, i.item_id, i.exhibit, i.media_type, progress.category)
            if i.item_id == progress.item_id
            else i
            for i in self.items
        ]
        row = next(n for n, i in enumerate(self.items) if i.item_id == progress.item_id)
        self.list.item(row).setText(self._label(self.items[row]))
        self._progress()
        self.graded.emit(progress)
        following = [n for n, i in enumerate(self.items) if i.your_grade is None and n != row]
        if following:
            self.list.setCurrentRow(next((n for n in following if n > row), following[0]))

    def show_failure(self, text: str) -> None:
        """Say what was not done."""
        self.status.setText(f"Not done: {text}")

    # -- closing ----------------------------------------------------------------------

    def before_shutdown(self) -> None:
        """Blur and log any reveal before the reader stops."""
        self.end_reveal("closed")
