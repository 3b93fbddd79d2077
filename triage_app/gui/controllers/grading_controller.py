"""Grading from the keyboard: grade, grade a whole group, confirm, undo; ask for reasons.

Every grading call runs on the writer thread and returns the new grades of
the items it touched, which the panel then shows. A grade key grades the
tile's item with its byte-identical copies (one undo step) and offers the
group's near duplicates; several tiles at once leave hash-list grades alone
unless the examiner asks. When the rules refuse a change because it needs a
reason, the examiner is asked for one and the action is retried with it.
Undo (Ctrl+Z) reverts this session's grading actions, newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.domain.errors import ReasonRequiredError
from triage_app.domain.grade_sources import FROM_LIST
from triage_app.gui.dialogs.grade_prompts import (
    ReasonAnswer,
    ReasonRequest,
    ask_near,
    ask_reason,
)
from triage_app.gui.qt import QObject, QWidget, Signal
from triage_app.gui.widgets.gallery_panel import GalleryPanel
from triage_app.gui.workers import JobQueue
from triage_app.review import grading
from triage_app.review.gallery_rows import GalleryRow
from triage_app.review.tile_grading import grade_tiles, graded_text, split_copies
from triage_app.review.undo import GradingAction, action_from, grades_of, undo_action

Grades = dict[int, tuple[str | None, str | None]]
AskReason = Callable[[QWidget, ReasonRequest], "ReasonAnswer | str | None"]
AskNear = Callable[[QWidget, str, Sequence[GalleryRow]], "list[int] | None"]


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
        choose_near: AskNear = ask_near,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._panel = panel
        self._writer = writer
        self._parent = parent
        self.ask = ask
        self.choose_near = choose_near
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
        near: Sequence[int] | None = None,
        change_list: bool = False,
    ) -> None:
        """Grade the selection (or ``item_ids``) as ``code``, byte-identical copies with it.

        One tile of a group: its near duplicates are offered (``near``: those taken).
        Several tiles: hash-list grades stay unless ``change_list``.
        """
        ids = self._targets(item_ids, "Select a tile to grade.")
        if not ids:
            return
        rows = self._rows(ids)
        if near is None and not whole_group and reason is None and len(ids) == 1:
            offer = self._near_offer(rows[0]) if rows else []
            if offer:
                near = self.choose_near(self._parent, code, offer)
                if near is None:
                    self.message.emit("Not graded.")
                    return
        taken = list(near or [])
        keep = len(ids) > 1 and not change_list
        session = self._session

        def job() -> tuple[grading.GradeOutcome, Grades]:
            if whole_group:
                outcome = grading.grade(
                    session, ids, code, reason=reason, propagate=True, keep_list_grades=keep
                )
            else:
                outcome = grade_tiles(
                    session, ids, code, near=taken, reason=reason, keep_list_grades=keep
                )
            touched = outcome.graded + outcome.propagated + outcome.unchanged
            return outcome, grades_of(session, touched)

        what = f"{'group of ' if whole_group else ''}{self._items(ids)} as {code}"
        request = ReasonRequest(
            "changing an existing grade needs a reason",
            code,
            [r for r in rows if r.grade and r.grade != code and not (keep and _listed(r))],
            [r for r in rows if keep and _listed(r) and r.grade != code],
        )
        self._submit(
            job,
            f"grade {what}",
            ids,
            True,
            request,
            lambda answer: self.grade(
                code,
                whole_group=whole_group,
                reason=answer.reason,
                item_ids=ids,
                near=taken,
                change_list=answer.change_list_grades,
            ),
            None if whole_group else (code, taken),
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
        rows = [r for r in self._rows(ids) if r.grade]
        request = ReasonRequest("confirming would change a grade", "the suggestion", rows)
        self._submit(
            job, label, ids, False, request,
            lambda answer: self.confirm(reason=answer.reason, item_ids=ids),
        )  # fmt: skip

    def _near_offer(self, row: GalleryRow) -> list[GalleryRow]:
        """Ungraded near duplicates of a collapsed group tile's item."""
        model = self._panel.model
        if model is None or not model.collapse or row.cluster is None:
            return []
        members = model.group_members(row)
        copies = split_copies(row.item_id, row.sha256, [(m.item_id, m.sha256) for m in members])
        near = set(copies.near)
        return [m for m in members if m.item_id in near and m.grade is None]

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
        propagate: bool,
        request: ReasonRequest,
        retry: Callable[[ReasonAnswer], None],
        tile: tuple[str, list[int]] | None = None,
    ) -> None:
        """Run a grading ``job`` on the writer; a refusal for want of a reason can ``retry``."""
        self._writer.submit(
            job,
            lambda result: self._graded(label, ids, propagate, result, tile),
            lambda exc: self._refused(exc, request, retry),
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
        propagate: bool,
        result: tuple[grading.GradeOutcome, Grades],
        tile: tuple[str, list[int]] | None = None,
    ) -> None:
        if self._closed:
            return
        outcome, grades = result
        action = action_from(label, outcome, ids, propagate=propagate)
        if action is not None:
            self._undo.append(action)
            self.undo_available.emit(True)
        self._panel.apply_grades(grades)
        if tile is not None:
            self.message.emit(graded_text(outcome, tile[0], near=tile[1]))
            self.finished.emit()
            return
        parts = []
        if outcome.graded:
            parts.append(f"{len(outcome.graded)} graded")
        if outcome.propagated:
            n, with_ = len(outcome.propagated), "them" if len(ids) > 1 else "it"
            parts.append(f"{n} duplicate{'s' if n != 1 else ''} graded with {with_}")
        if outcome.unchanged:
            parts.append(f"{len(outcome.unchanged)} already so graded")
        if outcome.kept:
            parts.append(f"{len(outcome.kept)} hash-list grades kept")
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

    def _refused(
        self, exc: BaseException, request: ReasonRequest, retry: Callable[[ReasonAnswer], None]
    ) -> None:
        if self._closed:
            return
        if needs_reason(exc):
            answer = self.ask(self._parent, ReasonRequest(
                str(exc), request.code, request.changing, request.list_graded
            ))  # fmt: skip
            if isinstance(answer, str):
                answer = ReasonAnswer(answer) if answer.strip() else None
            if answer is not None and answer.reason:
                retry(answer)
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

    def _rows(self, ids: Sequence[int]) -> list[GalleryRow]:
        model = self._panel.model
        found = [model.gallery_row(i) for i in ids] if model is not None else []
        return [r for r in found if r is not None]

    @staticmethod
    def _items(ids: Sequence[int]) -> str:
        if len(ids) == 1:
            return f"item #{ids[0]}"
        return f"{len(ids)} items"


def _listed(row: GalleryRow) -> bool:
    return row.grade_source == FROM_LIST
