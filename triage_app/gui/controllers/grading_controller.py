"""Grading from the keyboard: grade, grade a whole group, confirm, undo; ask for reasons.

Every grading call runs on the writer thread and returns the new grades of
the items it touched, which the panel then shows. When the rules refuse a
change because it needs a reason, the examiner is asked for one and the
action is retried with it. Undo (Ctrl+Z) reverts this session's grading
actions, newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.domain.errors import ReasonRequiredError
from triage_app.gui.qt import QInputDialog, QLineEdit, QObject, QWidget, Signal
from triage_app.gui.widgets.gallery_panel import GalleryPanel
from triage_app.gui.workers import JobQueue
from triage_app.review import grading
from triage_app.review.undo import GradingAction, action_from, grades_of, undo_action

Grades = dict[int, tuple[str | None, str | None]]
AskReason = Callable[[QWidget, str], str | None]


def ask_reason(parent: QWidget, problem: str) -> str | None:
    """Ask why a grade is being changed; None when the examiner cancels."""
    text, ok = QInputDialog.getText(
        parent,
        "Reason needed",
        f"{problem}\n\nWhy is the grade being changed?",
        QLineEdit.EchoMode.Normal,
    )
    return text.strip() if ok and text.strip() else None


def needs_reason(exc: BaseException) -> bool:
    """True when the grading rules refused only for want of a reason."""
    return isinstance(exc, ReasonRequiredError)


class GradingController(QObject):
    """Turns the gallery's grading keys into writer-thread grading jobs.

    Signals:
        message(str): what happened, for the status bar.
        undo_available(bool): whether Ctrl+Z has something to undo.
        finished(): a grading job (or undo) is done and its grades are shown.
    """

    message = Signal(str)
    undo_available = Signal(bool)
    finished = Signal()

    def __init__(
        self,
        session: CaseSession,
        panel: GalleryPanel,
        writer: JobQueue,
        parent: QWidget,
        ask: AskReason = ask_reason,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._panel = panel
        self._writer = writer
        self._parent = parent
        self.ask = ask
        self._undo: list[GradingAction] = []
        self._closed = False

    def close(self) -> None:
        """The case is closing: results still on their way are ignored."""
        self._closed = True

    @property
    def undo_stack(self) -> list[GradingAction]:
        """This session's undoable actions, oldest first."""
        return list(self._undo)

    # -- requests -----------------------------------------------------------------

    def grade_key(self, key: str, whole_group: bool) -> None:
        """A scheme key was pressed on the gallery (Shift: the whole group)."""
        category = self._session.scheme.by_key(key)
        if category is not None:
            self.grade(category.code, whole_group=whole_group)

    def grade(
        self,
        code: str,
        *,
        whole_group: bool = False,
        reason: str | None = None,
        item_ids: Sequence[int] | None = None,
    ) -> None:
        """Grade the selection (or ``item_ids``) as ``code``."""
        ids = self._targets(item_ids, "Select a tile to grade.")
        if not ids:
            return
        session = self._session

        def job() -> tuple[grading.GradeOutcome, Grades]:
            outcome = grading.grade(session, ids, code, reason=reason, propagate=whole_group)
            touched = outcome.graded + outcome.propagated + outcome.unchanged
            return outcome, grades_of(session, touched)

        what = f"{'group of ' if whole_group else ''}{self._items(ids)} as {code}"
        self._submit(
            job,
            f"grade {what}",
            ids,
            whole_group,
            lambda why: self.grade(code, whole_group=whole_group, reason=why, item_ids=ids),
        )

    def confirm(self, *, reason: str | None = None, item_ids: Sequence[int] | None = None) -> None:
        """Accept the near-match suggestion of the selection (or ``item_ids``)."""
        ids = self._targets(item_ids, "Select a suggestion to confirm.")
        if not ids:
            return
        session = self._session

        def job() -> tuple[grading.GradeOutcome, Grades]:
            outcome = grading.confirm(session, ids, reason=reason)
            return outcome, grades_of(session, outcome.graded + outcome.unchanged)

        label = f"confirm {self._items(ids)}"
        self._submit(job, label, ids, False, lambda why: self.confirm(reason=why, item_ids=ids))

    def _targets(self, item_ids: Sequence[int] | None, hint: str) -> list[int]:
        """``item_ids``, or else the selected items; says ``hint`` when there are none."""
        ids = list(item_ids) if item_ids is not None else self._selected_ids()
        if not ids:
            self.message.emit(hint)
        return ids

    def _submit(
        self,
        job: Callable[[], tuple[grading.GradeOutcome, Grades]],
        label: str,
        ids: list[int],
        whole_group: bool,
        retry: Callable[[str], None],
    ) -> None:
        """Run a grading ``job`` on the writer; a refusal for want of a reason can ``retry``."""
        self._writer.submit(
            job,
            lambda result: self._graded(label, ids, whole_group, result),
            lambda exc: self._refused(exc, retry),
        )

    def undo(self) -> None:
        """Revert this session's latest grading action."""
        if not self._undo:
            self.message.emit("Nothing to undo in this session.")
            return
        action = self._undo.pop()
        self.undo_available.emit(bool(self._undo))
        session = self._session

        def job() -> Grades:
            changed = undo_action(session, action)
            return grades_of(session, [*changed, *action.affected])

        self._writer.submit(job, lambda grades: self._undone(action, grades), self._failed)

    # -- results ------------------------------------------------------------------

    def _graded(
        self,
        label: str,
        ids: list[int],
        whole_group: bool,
        result: tuple[grading.GradeOutcome, Grades],
    ) -> None:
        if self._closed:
            return
        outcome, grades = result
        action = action_from(label, outcome, ids, propagate=whole_group)
        if action is not None:
            self._undo.append(action)
            self.undo_available.emit(True)
        self._panel.apply_grades(grades)
        parts = []
        if outcome.graded:
            parts.append(f"{len(outcome.graded)} graded")
        if outcome.propagated:
            n, with_ = len(outcome.propagated), "them" if len(ids) > 1 else "it"
            parts.append(f"{n} duplicate{'s' if n != 1 else ''} graded with {with_}")
        if outcome.unchanged:
            parts.append(f"{len(outcome.unchanged)} already so graded")
        if outcome.conflicts:
            parts.append(f"{len(outcome.conflicts)} kept another grade: {outcome.conflicts[0]}")
        self.message.emit(
            f"{label[:1].upper()}{label[1:]}: {', '.join(parts) or 'nothing changed'}"
        )
        self.finished.emit()

    def _undone(self, action: GradingAction, grades: Grades) -> None:
        if self._closed:
            return
        self._panel.apply_grades(grades)
        self.message.emit(f"Undone: {action.label}")
        self.finished.emit()

    def _refused(self, exc: BaseException, retry: Callable[[str], None]) -> None:
        if self._closed:
            return
        if needs_reason(exc):
            why = self.ask(self._parent, str(exc))
            if why:
                retry(why)
            else:
                self.message.emit("Not changed: a reason is needed to change a grade.")
            return
        self._failed(exc)

    def _failed(self, exc: Any) -> None:
        if self._closed:
            return
        self.message.emit(f"Not done: {exc}")
        self.finished.emit()

    # -- helpers --------------------------------------------------------------------

    def _selected_ids(self) -> list[int]:
        return [r.item_id for r in self._panel.selected_rows()]

    @staticmethod
    def _items(ids: Sequence[int]) -> str:
        if len(ids) == 1:
            return f"item #{ids[0]}"
        return f"{len(ids)} items"
