"""The supervision windows of the main window: audit view, QA panel, sign-off, blind grading.

Each is opened once (or raised when open), forgotten when it closes and
closed with the case. Only supervisors may open the first three: checked
here, and again by the core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from triage_app.case.session import CaseSession
from triage_app.config.viewer_settings import ViewerSettings
from triage_app.domain.accounts import SUPERVISOR
from triage_app.domain.errors import PermissionDeniedError
from triage_app.gui.dialogs.blind_grading_dialog import BlindGradingDialog
from triage_app.gui.dialogs.qa_dialog import QaDialog
from triage_app.gui.dialogs.reader_dialog import ReaderDialog
from triage_app.gui.dialogs.signoff_dialog import SignOffDialog
from triage_app.gui.qt import QObject, QWidget, Signal
from triage_app.gui.widgets.supervisor_view import SupervisorView
from triage_app.gui.workers import JobQueue
from triage_app.supervision.signoff import SignOffResult

W = TypeVar("W", bound=ReaderDialog)


def _signed_text(result: SignOffResult) -> str:
    row = result.sign_off
    return f"Signed off {row.object}: head {row.head_seq} {row.head_hash}"


class SupervisionWindows(QObject):
    """Opens, raises, forgets and closes the main window's supervision windows.

    Signals:
        message(str): something to say in the status bar.
        case_changed(): a grade of the case changed (an adjudication).
        revealed(float): a blind-grading reveal ended after so many seconds.
        refused(str): the account may not open the window asked for (why).
    """

    message = Signal(str)
    case_changed = Signal()
    revealed = Signal(float)
    refused = Signal(str)

    def __init__(self, writer: JobQueue, parent: QWidget) -> None:
        super().__init__(parent)
        self._writer = writer
        self._parent = parent
        self.supervisor_view: SupervisorView | None = None
        self.qa_dialog: QaDialog | None = None
        self.sign_off_dialog: SignOffDialog | None = None
        self.blind_dialog: BlindGradingDialog | None = None

    @staticmethod
    def _show(window: QWidget) -> None:
        if window.isVisible():
            window.raise_()
            window.activateWindow()
        else:
            window.show()

    def _forget(self, attr: str, window: ReaderDialog) -> None:
        if getattr(self, attr) is window:
            setattr(self, attr, None)
        window.deleteLater()

    def _supervisor(self, session: CaseSession | None, what: str) -> CaseSession | None:
        """``session`` if its account may do ``what`` (a supervisor); else say why, None."""
        if session is None:
            return None
        try:
            session.require_role(SUPERVISOR, what)
        except PermissionDeniedError as exc:
            self.refused.emit(str(exc))
            return None
        return session

    def _open(
        self, attr: str, session: CaseSession | None, what: str, make: Callable[[CaseSession], W]
    ) -> tuple[W, bool] | None:
        """The window kept in ``attr``, and whether it is new; None when the account is refused.

        A new one is made by ``make`` for a supervisor's ``session`` and kept until it finishes.
        """
        session = self._supervisor(session, what)
        if session is None:
            return None
        window: W | None = getattr(self, attr)
        if window is not None:
            return window, False
        made = make(session)
        made.finished.connect(lambda _=0: self._forget(attr, made))
        setattr(self, attr, made)
        return made, True

    def _open_or_raise(
        self, attr: str, session: CaseSession | None, what: str, make: Callable[[CaseSession], W]
    ) -> None:
        """Show the window kept in ``attr`` (made by ``make`` if need be), or raise it."""
        opened = self._open(attr, session, what, make)
        if opened is not None:
            self._show(opened[0])

    def open_supervisor_view(self, session: CaseSession | None) -> None:
        """Open (or raise) the supervisor view of the audit trail."""
        self._open_or_raise("supervisor_view", session, "the supervisor view", self._new_view)

    def _new_view(self, session: CaseSession) -> SupervisorView:
        view = SupervisorView(session, self._writer, self._parent)
        view.exported.connect(
            lambda result: self.message.emit(f"Exported the audit trail review to {result.path}")
        )
        return view

    def open_qa(self, session: CaseSession | None) -> None:
        """Open (or raise) the QA panel: sampling, agreement, adjudication."""
        self._open_or_raise("qa_dialog", session, "blind second grading", self._new_qa)

    def _new_qa(self, session: CaseSession) -> QaDialog:
        dialog = QaDialog(session, self._writer, self._parent)
        dialog.adjudicated.connect(lambda _result: self.case_changed.emit())
        return dialog

    def open_sign_off(self, session: CaseSession | None) -> None:
        """Open the sign-off dialog (window-modal; does not block), or raise it."""
        opened = self._open("sign_off_dialog", session, "signing off", self._new_sign_off)
        if opened is not None:
            dialog, new = opened
            if new:
                dialog.open()
            else:
                dialog.raise_()

    def _new_sign_off(self, session: CaseSession) -> SignOffDialog:
        dialog = SignOffDialog(session, self._writer, self._parent)
        dialog.signed.connect(lambda result: self.message.emit(_signed_text(result)))
        return dialog

    def open_blind_grading(
        self, session: CaseSession, rounds: list[int], settings: ViewerSettings
    ) -> None:
        """Show the blind sample (instead of the gallery); the session closes with it."""
        self.close_blind()
        dialog = BlindGradingDialog(
            session,
            self._writer,
            rounds[0],
            cells=settings.blur_cells,
            reveal_seconds=settings.reveal_seconds,
            parent=self._parent,
        )
        dialog.revealed.connect(lambda _item, seconds: self.revealed.emit(seconds))
        dialog.finished.connect(lambda _=0: self._blind_closed(dialog))
        self.blind_dialog = dialog
        self.message.emit(
            f"Blind second grading of QA round {rounds[0]}: the gallery stays closed until the "
            "sample is complete"
        )
        dialog.show()

    def _blind_closed(self, dialog: BlindGradingDialog) -> None:
        if self.blind_dialog is dialog:
            self.blind_dialog = None
        self._writer.submit(dialog.session.close)
        dialog.deleteLater()
        self.message.emit("Blind second grading closed; open the case again to go on")

    def close_blind(self) -> None:
        """Close the blind-grading window, if open (its session closes with it)."""
        if self.blind_dialog is not None:
            self.blind_dialog.close()  # finished -> _blind_closed closes the session

    def close_all(self) -> None:
        """Close the audit view, the QA panel and the sign-off dialog (the case closes)."""
        for window in (self.supervisor_view, self.sign_off_dialog, self.qa_dialog):
            if window is not None:
                window.close()
                window.shutdown()
        self.supervisor_view = None
        self.sign_off_dialog = None
        self.qa_dialog = None
