"""The main window: case lifecycle, menus, toolbar and status bar around the gallery.

All database writes (sign-in, grading, reveal logging, ingest, matching,
closing) go through :attr:`MainWindow.writer`, a job queue with a single
thread. The gallery panel reads on its own threads. Nothing here blocks the
GUI thread on the database or decodes an image.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from triage_app import __version__
from triage_app.case.session import CaseSession
from triage_app.config.viewer_settings import TILE_RANGE, ViewerSettings, load_viewer_settings
from triage_app.config.viewer_settings import save_viewer_settings as _save_settings
from triage_app.domain.accounts import PASSWORD_ENV, SUPERVISOR, USER_ENV, hash_password
from triage_app.domain.errors import PermissionDeniedError
from triage_app.gui.exposure_meter import BreakReminder, ExposureMeter
from triage_app.gui.gallery_panel import GalleryPanel
from triage_app.gui.grading_controller import GradingController
from triage_app.gui.hashsets_dialog import HashSetsDialog, refresh_text
from triage_app.gui.ingest_dialog import IngestDialog, run_ingest
from triage_app.gui.qa_blind_dialog import BlindGradingDialog
from triage_app.gui.qa_dialog import QaDialog
from triage_app.gui.settings_dialog import SettingsDialog
from triage_app.gui.signin_dialog import NewCase, NewCaseDialog, SignInDialog
from triage_app.gui.signoff_dialog import SignOffDialog
from triage_app.gui.supervisor_view import SupervisorView
from triage_app.gui.workers import JobQueue
from triage_app.review.exposure import Exposure, exposure, record_reveal, start_of_today_utc
from triage_app.review.refresh import RefreshResult, refresh
from triage_app.storage.case_store import CaseStore
from triage_app.supervision.qa import open_blind_rounds

#: Filters with a Ctrl+digit shortcut, in order.
QUICK_FILTERS = ("review", "suggestions", "exact", "ignorable", "graded", "failed", "all")
MESSAGE_MS = 8000

SHORTCUTS_HELP = """
<h3>Gallery keys</h3>
<table>
<tr><td><b>scheme key</b> (e.g. 1, 2, 3, 0, U)</td><td>grade the selected tiles</td></tr>
<tr><td><b>Shift</b> + scheme key</td><td>grade each selected tile's whole duplicate group</td></tr>
<tr><td><b>Enter</b> or <b>C</b></td><td>confirm the near-match suggestion</td></tr>
<tr><td><b>Ctrl+Z</b></td><td>undo this session's last grading action</td></tr>
<tr><td>hold <b>Space</b></td><td>reveal the current tile; release to blur</td></tr>
<tr><td>hold the <b>left mouse button</b> on a tile</td><td>reveal it; release to blur</td></tr>
<tr><td><b>arrows</b>, <b>Shift+arrows</b>, <b>Ctrl+A</b></td><td>move, extend, select all</td></tr>
<tr><td><b>Ctrl+1</b> ... <b>Ctrl+7</b></td>
<td>review queue, suggestions, exact, ignorable, graded, failed, all</td></tr>
<tr><td><b>Ctrl+L</b> / <b>F6</b></td><td>filter list / switch between gallery and details</td></tr>
</table>
"""


def create_case(new: NewCase) -> None:
    """Create a case folder with its first account (writer thread)."""
    CaseStore.create(
        new.folder,
        reference=new.reference,
        examiner=new.examiner,
        password_hash=hash_password(new.password),
        scheme=new.scheme,
        badge=new.badge,
    ).close()


class MainWindow(QMainWindow):
    """Top-level window of ``triage-app``.

    Signals:
        case_opened(str): signed in to a case (its reference).
        case_closed(): the case was closed.
        error_shown(str): an error was reported to the user.
    """

    case_opened = Signal(str)
    case_closed = Signal()
    error_shown = Signal(str)

    def __init__(self, settings: ViewerSettings | None = None, library: Path | None = None) -> None:
        super().__init__()
        self.settings = settings or load_viewer_settings()
        self.library = library
        self.session: CaseSession | None = None
        self.case_dir: Path | None = None
        self.grading: GradingController | None = None
        self._ingest_dialog: IngestDialog | None = None
        self.supervisor_view: SupervisorView | None = None
        self.sign_off_dialog: SignOffDialog | None = None
        self.blind_dialog: BlindGradingDialog | None = None
        self.qa_dialog: QaDialog | None = None
        self.setWindowTitle(f"Triage workstation {__version__}")
        self.resize(1280, 820)
        self.writer = JobQueue("writer", threads=1, parent=self)
        self.writer.busy_changed.connect(self._writer_busy)
        self.writer.error.connect(lambda text: self.show_error("Error", text))
        self.panel = GalleryPanel(self.settings)
        self.panel.message.connect(self.say)
        self.panel.counts_changed.connect(self._show_counts)
        self.panel.filters_changed.connect(self._fill_filters)
        self.panel.selection_changed.connect(self._show_selection)
        self.panel.view.key_grade.connect(self._key_grade)
        self.panel.view.confirm_requested.connect(self._confirm)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._welcome_page())
        self.stack.addWidget(self.panel)
        self.setCentralWidget(self.stack)
        self.meter = ExposureMeter()
        self.breaks = BreakReminder(self)
        self.breaks.due.connect(self._break_due)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._update_enabled()

    # -- construction ---------------------------------------------------------------

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        text = QLabel(
            "<h2>Triage workstation</h2>"
            "<p>Open a case (Ctrl+O) or create one (Ctrl+N).</p>"
            "<p>Tiles are always blurred and grey. An image is shown only while you hold "
            "Space or the mouse button on it, and every look is logged.</p>"
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        layout.addWidget(text)
        for label, slot in (("&Open case…", self._choose_case), ("&New case…", self.new_case)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            button.setMaximumWidth(240)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        parent: QWidget | None = None,
    ) -> QAction:
        action = QAction(text, parent or self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.act_new = self._action("&New case…", self.new_case, keys.New, "Create a new case")
        self.act_open = self._action(
            "&Open case…", self._choose_case, keys.Open, "Open a case folder and sign in"
        )
        self.act_close = self._action("&Close case", self.close_case, keys.Close)
        self.act_ingest = self._action(
            "&Add exhibit and ingest…", self.ingest, "Ctrl+I", "Ingest a seized folder"
        )
        self.act_settings = self._action("&Settings…", self.edit_settings, "Ctrl+,")
        self.act_quit = self._action("&Quit", self.close, keys.Quit)
        self.act_hashsets = self._action(
            "Hash &library and matching…", self.hash_sets, "Ctrl+H", "Import and attach hash sets"
        )
        self.act_match = self._action(
            "&Match case now", self.match_now, "Ctrl+M", "Match against the active hash sets"
        )
        self.act_undo = self._action(
            "&Undo last grading", self._undo, keys.Undo, "Undo this session's last grading"
        )
        self.act_confirm = self._action(
            "&Confirm suggestion\tEnter / C", self._confirm, tip="Accept the near-match suggestion"
        )
        self.act_collapse = self._action(
            "Collapse duplicate &groups", self._toggle_collapse, "Ctrl+G", "One tile per group"
        )
        self.act_collapse.setCheckable(True)
        self.act_collapse.setChecked(self.settings.collapse_groups)
        self.act_bigger = self._action("&Larger tiles", lambda: self._tile_step(32), keys.ZoomIn)
        self.act_smaller = self._action(
            "&Smaller tiles", lambda: self._tile_step(-32), keys.ZoomOut
        )
        self.act_focus_filter = self._action("&Filter list", self._focus_filter, "Ctrl+L")
        self.act_switch_pane = self._action("Gallery / &details", self._switch_pane, "F6")
        self.act_details = self._action("Show &details pane", self._toggle_details, "F9")
        self.act_details.setCheckable(True)
        self.act_details.setChecked(True)
        self.filter_group = QActionGroup(self)
        self.filter_actions: dict[str, QAction] = {}
        # Supervision: offered to supervisors only (see _update_enabled); refused otherwise.
        self.act_supervisor = self._action(
            "&Audit trail and examiner statistics…",
            self.open_supervisor_view,
            "Ctrl+Shift+A",
            "Review the audit trail: filters, verification, per-examiner statistics, export",
        )
        self.act_qa = self._action(
            "Blind second grading (&QA)…",
            self.open_qa,
            "Ctrl+Shift+Q",
            "Draw a sample for blind second grading; agreement, kappa; adjudicate",
        )
        self.act_sign_off = self._action(
            "&Sign off exhibit or case…",
            self.open_sign_off,
            "Ctrl+Shift+S",
            "Record a supervisor's sign-off with the audit head, the counts and the QA result",
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.act_new, self.act_open, self.act_close):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_ingest)
        file_menu.addSeparator()
        file_menu.addAction(self.act_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        hash_menu = bar.addMenu("&Hash sets")
        hash_menu.addAction(self.act_hashsets)
        hash_menu.addAction(self.act_match)
        self.view_menu = bar.addMenu("&View")
        self.filter_menu = self.view_menu.addMenu("&Filter")
        self.view_menu.addAction(self.act_focus_filter)
        self.view_menu.addSeparator()
        for action in (self.act_collapse, self.act_bigger, self.act_smaller, self.act_details):
            self.view_menu.addAction(action)
        self.view_menu.addAction(self.act_switch_pane)
        self.grade_menu = bar.addMenu("&Grade")
        self.supervision_menu = bar.addMenu("&Supervision")
        self.supervision_menu.setToolTipsVisible(True)
        self.supervision_menu.addAction(self.act_supervisor)
        self.supervision_menu.addAction(self.act_qa)
        self.supervision_menu.addAction(self.act_sign_off)
        self.supervision_hint = self.supervision_menu.addAction("(for supervisor accounts)")
        self.supervision_hint.setEnabled(False)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self._show_keys, "F1"))
        help_menu.addAction(self._action("&About", self._about))

    def _fill_grade_menu(self) -> None:
        self.grade_menu.clear()
        if self.session is None:
            return
        whole = []
        for cat in self.session.scheme.categories:
            code = cat.code
            self.grade_menu.addAction(
                self._action(
                    f"{code}: {cat.label}\t{cat.key}",
                    lambda _=False, c=code: self._grade(c),
                    parent=self.grade_menu,
                )
            )
            whole.append(
                self._action(
                    f"{code}: {cat.label}\tShift+{cat.key}",
                    lambda _=False, c=code: self._grade(c, whole_group=True),
                    parent=self.grade_menu,
                )
            )
        groups = self.grade_menu.addMenu("Whole duplicate &group")
        for action in whole:
            groups.addAction(action)
        self.grade_menu.addSeparator()
        self.grade_menu.addAction(self.act_confirm)
        self.grade_menu.addAction(self.act_undo)
        self.grade_menu.addSeparator()
        hint = self.grade_menu.addAction("Reveal: hold Space, or hold the mouse button on a tile")
        hint.setEnabled(False)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        for action in (self.act_open, self.act_ingest, self.act_hashsets, self.act_undo):
            bar.addAction(action)
        bar.addSeparator()
        label = QLabel(" Fi&lter: ")
        self.filter_combo = QComboBox()
        self.filter_combo.setMinimumWidth(260)
        self.filter_combo.setAccessibleName("Filter")
        self.filter_combo.activated.connect(self._filter_chosen)
        label.setBuddy(self.filter_combo)
        bar.addWidget(label)
        bar.addWidget(self.filter_combo)
        bar.addAction(self.act_collapse)
        bar.addSeparator()
        bar.addAction(self.act_smaller)
        bar.addAction(self.act_bigger)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self._counts = QLabel("")
        self._busy = QLabel("")
        status.addPermanentWidget(self._busy)
        status.addPermanentWidget(self._counts)
        status.addPermanentWidget(self.meter)
        status.showMessage("No case open. File > Open case… (Ctrl+O)")

    def _update_enabled(self) -> None:
        open_ = self.session is not None
        for action in (
            self.act_close,
            self.act_ingest,
            self.act_hashsets,
            self.act_match,
            self.act_undo,
            self.act_confirm,
        ):
            action.setEnabled(open_)
        self.act_undo.setEnabled(bool(open_ and self.grading and self.grading.undo_stack))
        self.filter_combo.setEnabled(open_)
        supervisor = bool(self.session and self.session.account.role == SUPERVISOR)
        for action, tip in (
            (self.act_supervisor, "Review the audit trail (supervisors only)"),
            (self.act_qa, "Blind second grading (supervisors only)"),
            (self.act_sign_off, "Sign off an exhibit or the case (supervisors only)"),
        ):
            action.setEnabled(supervisor)
            action.setToolTip(tip if supervisor or not open_ else f"{tip}: you are an examiner")
        self.supervision_hint.setVisible(not supervisor)

    # -- messages -------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Show a message in the status bar."""
        self.statusBar().showMessage(text, MESSAGE_MS)

    def show_error(self, title: str, text: str) -> None:
        """Report an error in a non-blocking message box."""
        box = QMessageBox(
            QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.open()
        self.say(text)
        self.error_shown.emit(text)

    def _writer_busy(self, busy: bool) -> None:
        self._busy.setText("saving…" if busy else "")

    def _show_counts(self, tiles: int, items: int) -> None:
        self._counts.setText(
            f"{self.panel.current_filter().label}: {tiles:,} tiles | {items:,} items"
        )

    def _show_selection(self, count: int) -> None:
        if count > 1:
            self.say(f"{count} tiles selected")

    # -- case lifecycle -------------------------------------------------------------

    def _choose_case(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open case folder")
        if folder:
            self.open_case(Path(folder))

    def open_case(
        self, case_dir: Path, login: str | None = None, password: str | None = None
    ) -> None:
        """Sign in to a case folder (on the writer thread); ``case_opened`` follows."""
        login = login or os.environ.get(USER_ENV)
        password = password if password is not None else os.environ.get(PASSWORD_ENV)
        if not login or password is None:
            dialog = SignInDialog(case_dir, login or "", self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            login, password = dialog.login.text().strip(), dialog.password.text()
        self.say(f"Signing in to {case_dir}…")
        who, secret = login, password

        def sign_in() -> tuple[CaseSession, list[int]]:
            session = CaseSession.sign_in(Path(case_dir), who, secret, client="gui")
            try:
                return session, open_blind_rounds(session)
            except BaseException:
                session.close()
                raise

        self.writer.submit(
            sign_in,
            lambda result: self._signed_in(Path(case_dir), *result),
            lambda exc: self.show_error("Cannot open case", str(exc)),
        )

    def _signed_in(
        self, case_dir: Path, session: CaseSession, blind_rounds: list[int] | None = None
    ) -> None:
        self._close_blind()
        if blind_rounds:
            # Blind QA (supervision): the gallery shows grades, so it stays closed to an
            # account grading a sample of this case blind; it gets the sample only.
            self.close_case()
            self._open_blind_grading(session, blind_rounds)
            return
        self.close_case()
        self.session = session
        self.case_dir = case_dir
        self.panel.attach(session, self._log_reveal)
        self.grading = GradingController(session, self.panel, self.writer, self)
        self.grading.message.connect(self.say)
        self.grading.undo_available.connect(self.act_undo.setEnabled)
        self.meter.reset(Exposure(0, 0.0))
        reader = self.panel.reader
        if reader is not None:
            since = start_of_today_utc()
            reader.submit(lambda: exposure(session, since=since), self.meter.set_baseline)
        self.breaks.start(self.settings.break_minutes)
        self._fill_grade_menu()
        self.stack.setCurrentWidget(self.panel)
        self.panel.view.setFocus()
        self.setWindowTitle(f"{session.reference} - {session.actor} - Triage workstation")
        self.say(
            f"Signed in to case {session.reference} as {session.actor} ({session.account.role})"
        )
        self._update_enabled()
        self.case_opened.emit(session.reference)

    def close_case(self) -> None:
        """Blur, stop the case's threads, and close the case (logged, on the writer thread)."""
        session = self.session
        if session is None:
            return
        self.breaks.stop()
        self._close_supervision()
        self.panel.detach()
        if self.grading is not None:
            self.grading.close()
            self.grading.deleteLater()
            self.grading = None
        self.session = None
        self.writer.submit(session.close)
        self._fill_grade_menu()
        self.filter_combo.clear()
        self._counts.setText("")
        self.stack.setCurrentIndex(0)
        self.setWindowTitle(f"Triage workstation {__version__}")
        self._update_enabled()
        self.case_closed.emit()

    def new_case(self) -> None:
        """Create a case and sign in to it."""
        dialog = NewCaseDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        new = dialog.value()
        self.writer.submit(
            lambda: create_case(new),
            lambda _: self.open_case(new.folder, new.examiner, new.password),
            lambda exc: self.show_error("Cannot create case", str(exc)),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel an ingest, blur, close the case and wait for the writer to finish."""
        if self._ingest_dialog is not None:
            self._ingest_dialog.cancel_event.set()
        self._close_blind()
        self.close_case()
        self.breaks.stop()
        self.writer.shutdown()
        super().closeEvent(event)

    # -- reveals --------------------------------------------------------------------------

    def _log_reveal(self, item_id: int, seconds: float, how: str, size: int) -> None:
        session = self.session
        self.meter.add(seconds)
        if session is None:
            return
        self.writer.submit(
            lambda: record_reveal(session, item_id, seconds, how=how, size=size),
            on_error=lambda exc: self.show_error("Reveal not logged", str(exc)),
        )

    def _break_due(self, minutes: int) -> None:
        if self.panel.reveal is not None:
            self.panel.reveal.cancel("break reminder")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Time for a break",
            f"You have been reviewing for {minutes} minutes. Consider a short break away "
            "from the screen.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.open()
        self.say("Break reminder")

    # -- grading ---------------------------------------------------------------------------

    def _key_grade(self, key: str, whole_group: bool) -> None:
        if self.grading is not None:
            self.grading.grade_key(key, whole_group)

    def _grade(self, code: str, *, whole_group: bool = False) -> None:
        if self.grading is not None:
            self.grading.grade(code, whole_group=whole_group)

    def _confirm(self) -> None:
        if self.grading is not None:
            self.grading.confirm()

    def _undo(self) -> None:
        if self.grading is not None:
            self.grading.undo()

    # -- filters and view ---------------------------------------------------------------

    def _fill_filters(self) -> None:
        self.filter_combo.clear()
        self.filter_menu.clear()
        for action in self.filter_group.actions():
            self.filter_group.removeAction(action)
        self.filter_actions = {}
        for flt in self.panel.filters:
            self.filter_combo.addItem(flt.label, flt.key)
            action = QAction(flt.label, self)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, key=flt.key: self.set_filter(key))
            if flt.key in QUICK_FILTERS:
                action.setShortcut(QKeySequence(f"Ctrl+{QUICK_FILTERS.index(flt.key) + 1}"))
            self.filter_group.addAction(action)
            self.filter_menu.addAction(action)
            self.filter_actions[flt.key] = action
        self._sync_filter_widgets()

    def _sync_filter_widgets(self) -> None:
        key = self.panel.filter_key
        self.filter_combo.setCurrentIndex(max(0, self.filter_combo.findData(key)))
        if key in self.filter_actions:
            self.filter_actions[key].setChecked(True)

    def _filter_chosen(self, index: int) -> None:
        self.set_filter(str(self.filter_combo.itemData(index)))
        self.panel.view.setFocus()

    def set_filter(self, key: str) -> None:
        """Show one filter's tiles (``review``, ``suggestions``, ``graded:A``, ...)."""
        self.panel.set_filter(key)
        self._sync_filter_widgets()
        self._show_counts(self.panel.model.rowCount() if self.panel.model else 0,
                          self.panel.model.total if self.panel.model else 0)  # fmt: skip

    def _focus_filter(self) -> None:
        self.filter_combo.setFocus()
        self.filter_combo.showPopup()

    def _switch_pane(self) -> None:
        if self.panel.view.hasFocus():
            self.panel.detail.setFocus()
        else:
            self.panel.view.setFocus()

    def _toggle_details(self) -> None:
        self.panel.detail.setVisible(self.act_details.isChecked())

    def _toggle_collapse(self) -> None:
        self.apply_settings(replace(self.settings, collapse_groups=self.act_collapse.isChecked()))

    def _tile_step(self, step: int) -> None:
        size = max(TILE_RANGE[0], min(self.settings.tile_size + step, TILE_RANGE[1]))
        self.apply_settings(replace(self.settings, tile_size=size))

    def apply_settings(self, settings: ViewerSettings, *, save: bool = True) -> None:
        """Use (and by default store) new viewer settings."""
        settings = settings.validated()
        if save:
            try:
                settings = _save_settings(settings)
            except OSError as exc:
                self.say(f"Settings not saved: {exc}")
        self.settings = settings
        self.panel.apply_settings(settings)
        self.act_collapse.setChecked(settings.collapse_groups)
        if self.session is not None:
            self.breaks.start(settings.break_minutes)

    def edit_settings(self) -> None:
        """Open the settings dialog."""
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_settings(dialog.value())

    # -- ingest and hash sets ------------------------------------------------------------

    def ingest(self) -> None:
        """Add an exhibit and ingest it, with progress, rate, ETA and Cancel."""
        if self.session is None:
            return
        dialog = IngestDialog(self)
        self._ingest_dialog = dialog
        dialog.start_requested.connect(
            lambda source, exhibit, workers: self.start_ingest(dialog, source, exhibit, workers)
        )
        dialog.exec()
        self._ingest_dialog = None

    def start_ingest(self, dialog: IngestDialog, source: Path, exhibit: str, workers: int) -> None:
        """Run an ingest for ``dialog`` on the writer thread."""
        session = self.session
        if session is None:
            return
        relay, library, cancel = dialog.relay, self.library, dialog.cancel_event
        self.say(f"Ingesting {source} as {exhibit}…")

        def finished(outcome: Any) -> None:
            dialog.show_finished(outcome)
            self.say(f"Ingest of {exhibit} {outcome[0].state}")
            self.panel.reload()

        self.writer.submit(
            lambda: run_ingest(session, source, exhibit, workers, relay, cancel, library),
            finished,
            lambda exc: dialog.show_failed(str(exc)),
        )

    def hash_sets(self) -> None:
        """Manage the hash library and match the case."""
        if self.session is None or self.panel.reader is None:
            return
        dialog = HashSetsDialog(self.session, self.writer, self.panel.reader, self.library, self)
        dialog.case_changed.connect(self.panel.reload)
        dialog.exec()

    def match_now(self) -> None:
        """Match the case against the active sets, grade exact hits, regroup."""
        session, library = self.session, self.library
        if session is None:
            return
        self.say("Matching…")

        def done(result: RefreshResult) -> None:
            self.say(refresh_text(result))
            self.panel.reload()

        self.writer.submit(lambda: refresh(session, library), done)

    # -- supervision ----------------------------------------------------------------------

    def _supervisor_session(self, what: str) -> CaseSession | None:
        """The session if its account may do ``what`` (a supervisor); else say why, None."""
        session = self.session
        if session is None:
            return None
        try:
            session.require_role(SUPERVISOR, what)
        except PermissionDeniedError as exc:
            self.show_error("Supervisors only", str(exc))
            return None
        return session

    def open_supervisor_view(self) -> None:
        """Open (or raise) the supervisor view of the audit trail."""
        session = self._supervisor_session("the supervisor view")
        if session is None:
            return
        if self.supervisor_view is None:
            view = SupervisorView(session, self.writer, self)
            view.exported.connect(lambda result: self.say(f"Exported the audit trail review to "
                                                           f"{result.path}"))  # fmt: skip
            view.finished.connect(lambda _=0: self._forget_view(view))
            self.supervisor_view = view
        if self.supervisor_view.isVisible():
            self.supervisor_view.raise_()
            self.supervisor_view.activateWindow()
        else:
            self.supervisor_view.show()

    def open_qa(self) -> None:
        """Open (or raise) the QA panel: sampling, agreement, adjudication."""
        session = self._supervisor_session("blind second grading")
        if session is None:
            return
        if self.qa_dialog is None:
            dialog = QaDialog(session, self.writer, self)
            dialog.finished.connect(lambda _=0: self._forget_qa(dialog))
            dialog.adjudicated.connect(lambda _result: self.panel.reload())
            self.qa_dialog = dialog
        if self.qa_dialog.isVisible():
            self.qa_dialog.raise_()
            self.qa_dialog.activateWindow()
        else:
            self.qa_dialog.show()

    def _forget_qa(self, dialog: QaDialog) -> None:
        if self.qa_dialog is dialog:
            self.qa_dialog = None
        dialog.deleteLater()

    def _forget_view(self, view: SupervisorView) -> None:
        if self.supervisor_view is view:
            self.supervisor_view = None
        view.deleteLater()

    def open_sign_off(self) -> None:
        """Open the sign-off dialog (window-modal; does not block)."""
        session = self._supervisor_session("signing off")
        if session is None:
            return
        if self.sign_off_dialog is not None:
            self.sign_off_dialog.raise_()
            return
        dialog = SignOffDialog(session, self.writer, self)
        dialog.signed.connect(
            lambda result: self.say(
                f"Signed off {result.sign_off.object}: head {result.sign_off.head_seq} "
                f"{result.sign_off.head_hash}"
            )
        )
        dialog.finished.connect(lambda _=0: self._forget_sign_off(dialog))
        self.sign_off_dialog = dialog
        dialog.open()

    def _forget_sign_off(self, dialog: SignOffDialog) -> None:
        if self.sign_off_dialog is dialog:
            self.sign_off_dialog = None
        dialog.deleteLater()

    def _open_blind_grading(self, session: CaseSession, rounds: list[int]) -> None:
        """Show the blind sample (instead of the gallery); the session closes with it."""
        self._close_blind()
        dialog = BlindGradingDialog(
            session,
            self.writer,
            rounds[0],
            cells=self.settings.blur_cells,
            reveal_seconds=self.settings.reveal_seconds,
            parent=self,
        )
        dialog.revealed.connect(lambda _item, seconds: self.meter.add(seconds))
        dialog.finished.connect(lambda _=0: self._blind_closed(dialog))
        self.blind_dialog = dialog
        self.say(
            f"Blind second grading of QA round {rounds[0]}: the gallery stays closed until the "
            "sample is complete"
        )
        dialog.show()

    def _blind_closed(self, dialog: BlindGradingDialog) -> None:
        if self.blind_dialog is dialog:
            self.blind_dialog = None
        self.writer.submit(dialog.session.close)
        dialog.deleteLater()
        self.say("Blind second grading closed; open the case again to go on")

    def _close_blind(self) -> None:
        if self.blind_dialog is not None:
            self.blind_dialog.close()  # finished -> _blind_closed closes the session

    def _close_supervision(self) -> None:
        for window in (self.supervisor_view, self.sign_off_dialog, self.qa_dialog):
            if window is not None:
                window.close()
                window.shutdown()
        self.supervisor_view = None
        self.sign_off_dialog = None
        self.qa_dialog = None

    # -- help -------------------------------------------------------------------------------

    def _show_keys(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard", SHORTCUTS_HELP,
                          QMessageBox.StandardButton.Ok, self)  # fmt: skip
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.open()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About",
            f"Triage workstation {__version__}\nOffline, auditable triage for image review. "
            "Everything shown in the demo is synthetic.",
        )
