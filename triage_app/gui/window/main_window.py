"""The main window: the case lifecycle and what the menus, toolbar and keys do.

What the window shows (gallery panel, actions, menus, toolbar, status bar) is built by
:class:`~triage_app.gui.window.frame.WindowFrame`; the supervision windows are
kept by :class:`~triage_app.gui.window.supervision_windows.SupervisionWindows`.

All database writes (sign-in, grading, reveal logging, ingest, matching,
closing) go through :attr:`MainWindow.writer`, a job queue with a single
thread. The gallery panel reads on its own threads. Nothing here blocks the
GUI thread on the database or decodes an image.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from triage_app.case.session import CaseSession
from triage_app.config.viewer_settings import TILE_RANGE, ViewerSettings, load_viewer_settings
from triage_app.config.viewer_settings import save_viewer_settings as _save_settings
from triage_app.domain.accounts import PASSWORD_ENV, SUPERVISOR, USER_ENV
from triage_app.gui.controllers.break_reminder import BreakReminder
from triage_app.gui.controllers.grading_controller import GradingController
from triage_app.gui.dialogs.blind_grading_dialog import BlindGradingDialog
from triage_app.gui.dialogs.ingest_dialog import IngestDialog
from triage_app.gui.dialogs.new_case_dialog import NewCaseDialog, create_case
from triage_app.gui.dialogs.qa_dialog import QaDialog
from triage_app.gui.dialogs.report_dialog import HASH_LIST
from triage_app.gui.dialogs.settings_dialog import SettingsDialog
from triage_app.gui.dialogs.signin_dialog import SignInDialog
from triage_app.gui.dialogs.signoff_dialog import SignOffDialog
from triage_app.gui.qt import (
    QApplication,
    QCloseEvent,
    QDialog,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QTimer,
    Signal,
)
from triage_app.gui.widgets.forms import open_message
from triage_app.gui.widgets.supervisor_view import SupervisorView
from triage_app.gui.window.case_tools import CaseTools
from triage_app.gui.window.desk import Desk
from triage_app.gui.window.frame import WindowFrame
from triage_app.gui.window.help_text import show_about, show_keys
from triage_app.gui.window.supervision_windows import SupervisionWindows
from triage_app.gui.workers import JobQueue
from triage_app.review.exposure import (
    Exposure,
    RevealView,
    exposure,
    record_reveal,
    start_of_today_utc,
)
from triage_app.supervision.qa import open_blind_rounds

#: A break reminder due while a dialog is open asks again this much later.
BREAK_RETRY_MS = 20_000


class MainWindow(WindowFrame):
    """Top-level window of ``triage-app``.

    Signals:
        case_opened(str): signed in to a case (its reference).
        case_closed(): the case was closed.
        error_shown(str): an error was reported to the user.
        break_deferred(int): a break reminder waited for an open dialog to close.
    """

    case_opened = Signal(str)
    case_closed = Signal()
    break_deferred = Signal(int)

    def __init__(self, settings: ViewerSettings | None = None, library: Path | None = None) -> None:
        super().__init__(settings or load_viewer_settings())
        self.library = library
        self.session: CaseSession | None = None
        self.case_dir: Path | None = None
        self.grading: GradingController | None = None
        self.writer = JobQueue("writer", threads=1, parent=self)
        self.writer.busy_changed.connect(self.show_busy)
        self.writer.error.connect(lambda text: self.show_error("Error", text))
        self.panel.view.key_grade.connect(self._grade_key)
        self.panel.view.confirm_requested.connect(self.confirm_selection)
        self.panel.area.categories.grade_clicked.connect(self.grade_selection)
        self.breaks = BreakReminder(self)
        self.breaks.due.connect(self._break_due)
        self.supervision = SupervisionWindows(self.writer, self)
        self.supervision.message.connect(self.say)
        self.supervision.case_changed.connect(self.panel.reload)
        self.supervision.revealed.connect(self.meter.add)
        self.supervision.refused.connect(lambda text: self.show_error("Supervisors only", text))
        self.desk = Desk(self, self)
        self.tools = CaseTools(self, self)
        self.view_menu.addAction(self.desk.dock.toggleViewAction())
        self._connect_actions()
        self._update_enabled()

    def _connect_actions(self) -> None:
        open_button, new_button = self.welcome_buttons
        open_button.clicked.connect(self._choose_case)
        new_button.clicked.connect(self.new_case)
        for action, slot in (
            (self.act_new, self.new_case),
            (self.act_open, self._choose_case),
            (self.act_close, self.close_case),
            (self.act_ingest, self.tools.ingest),
            (self.act_report, self.tools.make_report),
            (self.act_export_list, lambda: self.tools.make_report(HASH_LIST)),
            (self.act_settings, self.edit_settings),
            (self.act_quit, self.close),
            (self.act_hashsets, self.tools.hash_sets),
            (self.act_match, self.tools.match_now),
            (self.act_undo, self._undo),
            (self.act_confirm, self.confirm_selection),
            (self.act_collapse, self._toggle_collapse),
            (self.act_bigger, lambda: self._tile_step(32)),
            (self.act_smaller, lambda: self._tile_step(-32)),
            (self.act_supervisor, self.open_supervisor_view),
            (self.act_qa, self.open_qa),
            (self.act_sign_off, self.open_sign_off),
            (self.act_keys, lambda: show_keys(self)),
            (self.act_about, lambda: show_about(self)),
        ):
            action.triggered.connect(lambda _=False, slot=slot: slot())

    def _update_enabled(self) -> None:
        session = self.session
        self.set_case_state(
            open_=session is not None,
            supervisor=bool(session and session.account.role == SUPERVISOR),
            can_undo=bool(self.grading and self.grading.undo_stack),
        )

    # -- the supervision windows (kept by self.supervision) ---------------------------

    @property
    def supervisor_view(self) -> SupervisorView | None:
        """The supervisor view of the audit trail, while open."""
        return self.supervision.supervisor_view

    @property
    def qa_dialog(self) -> QaDialog | None:
        """The QA panel, while open."""
        return self.supervision.qa_dialog

    @property
    def sign_off_dialog(self) -> SignOffDialog | None:
        """The sign-off dialog, while open."""
        return self.supervision.sign_off_dialog

    @property
    def blind_dialog(self) -> BlindGradingDialog | None:
        """The blind-grading window, while open (instead of the gallery)."""
        return self.supervision.blind_dialog

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
        self.supervision.close_blind()
        self.close_case()
        if blind_rounds:
            # Blind QA (supervision): the gallery shows grades, so it stays closed to an
            # account grading a sample of this case blind; it gets the sample only.
            self.supervision.open_blind_grading(session, blind_rounds, self.settings)
            return
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
        self.fill_grade_menu(session.scheme, self.grade_selection)
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
        self.supervision.close_all()
        self.panel.detach()
        if self.grading is not None:
            self.grading.close()
            self.grading.deleteLater()
            self.grading = None
        self.session = None
        self.writer.submit(session.close)
        self.clear_case_view()
        self.desk.case_closed()
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
        self.tools.cancel_ingest()
        self.supervision.close_blind()
        self.close_case()
        self.breaks.stop()
        self.writer.shutdown()
        super().closeEvent(event)

    # -- reveals, breaks and grading -----------------------------------------------------

    def _log_reveal(self, item_id: int, seconds: float, how: str, view: RevealView) -> None:
        session = self.session
        self.meter.add(seconds)
        if session is None:
            return
        self.writer.submit(
            lambda: record_reveal(session, item_id, seconds, how=how, view=view),
            on_error=lambda exc: self.show_error("Reveal not logged", str(exc)),
        )

    def _break_due(self, minutes: int) -> None:
        if QApplication.activeModalWidget() is not None:
            # Never over a dialog (an ingest, a reason prompt): ask again once it is closed.
            self.break_deferred.emit(minutes)
            QTimer.singleShot(BREAK_RETRY_MS, self, lambda: self._break_due(minutes))
            return
        if self.panel.reveal is not None:
            self.panel.reveal.cancel("break reminder")
        unit = "minute" if minutes == 1 else "minutes"
        open_message(self, QMessageBox.Icon.Information, "Time for a break",
                     f"You have been reviewing for {minutes} {unit}. Consider a short break "
                     "away from the screen.")  # fmt: skip
        self.say("Break reminder")

    def _grade_key(self, key: str, whole_group: bool) -> None:
        if self.grading is not None:
            self.grading.grade_key(key, whole_group)

    def grade_selection(self, code: str, whole_group: bool = False) -> None:
        """Grade the selection as ``code`` (the whole group of each tile with ``whole_group``)."""
        if self.grading is not None:
            self.grading.grade(code, whole_group=whole_group)

    def confirm_selection(self) -> None:
        """Accept the near-match suggestion of the selection."""
        if self.grading is not None:
            self.grading.confirm()

    def _undo(self) -> None:
        if self.grading is not None:
            self.grading.undo()

    # -- settings ---------------------------------------------------------------

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

    # -- case jobs (kept by self.tools) ----------------------------------------------

    @property
    def widget(self) -> QMainWindow:
        """The window, as a parent for its helpers' dialogs."""
        return self

    def start_ingest(self, dialog: IngestDialog, source: Path, exhibit: str, workers: int) -> None:
        """Run an ingest for ``dialog`` on the writer thread."""
        self.tools.start_ingest(dialog, source, exhibit, workers)

    # -- supervision ----------------------------------------------------------------------

    def open_supervisor_view(self) -> None:
        """Open (or raise) the supervisor view of the audit trail (supervisors only)."""
        self.supervision.open_supervisor_view(self.session)

    def open_qa(self) -> None:
        """Open (or raise) the QA panel: sampling, agreement, adjudication (supervisors only)."""
        self.supervision.open_qa(self.session)

    def open_sign_off(self) -> None:
        """Open the sign-off dialog (window-modal; does not block; supervisors only)."""
        self.supervision.open_sign_off(self.session)
