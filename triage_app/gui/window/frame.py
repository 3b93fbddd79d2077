"""What the main window shows: the gallery panel, actions, menus, toolbar, status bar.

:class:`WindowFrame` builds them, keeps them in step with the case (what is
enabled, the grade and filter menus) and does what only changes the view
(filters, panes). :class:`~triage_app.gui.window.main_window.MainWindow`
connects the other actions to what they do to the case.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from triage_app import __version__
from triage_app.config.schemes import Scheme
from triage_app.config.viewer_settings import ViewerSettings
from triage_app.gui.qt import (
    QAction,
    QActionGroup,
    QComboBox,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.exposure_meter import ExposureMeter
from triage_app.gui.widgets.forms import open_message
from triage_app.gui.widgets.gallery_panel import GalleryPanel

#: Filters with a Ctrl+digit shortcut, in order.
QUICK_FILTERS = ("review", "suggestions", "exact", "ignorable", "graded", "failed", "all")
MESSAGE_MS = 8000
WELCOME = (
    "<h2>Triage workstation</h2>"
    "<p>Open a case (Ctrl+O) or create one (Ctrl+N).</p>"
    "<p>Tiles are always blurred and grey. An image is shown only while you hold "
    "Space or the mouse button on it, and every look is logged.</p>"
)
Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


def make_action(
    parent: QWidget,
    text: str,
    shortcut: Shortcut = None,
    tip: str = "",
    slot: Callable[[], object] | None = None,
) -> QAction:
    """An action with its shortcut and tip, connected to ``slot`` when given."""
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if slot is not None:
        action.triggered.connect(lambda _=False: slot())
    return action


class WindowFrame(QMainWindow):
    """The main window's gallery panel, welcome page, actions, menus, toolbar and status bar.

    Signals:
        error_shown(str): an error was reported to the user.
    """

    error_shown = Signal(str)

    def __init__(self, settings: ViewerSettings) -> None:
        super().__init__()
        self.settings = settings
        self.setWindowTitle(f"Triage workstation {__version__}")
        self.resize(1280, 820)
        self.panel = GalleryPanel(settings)
        self.panel.message.connect(self.say)
        self.panel.counts_changed.connect(self._show_counts)
        self.panel.filters_changed.connect(self._fill_filters)
        self.panel.selection_changed.connect(self._show_selection)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._welcome_page())
        self.stack.addWidget(self.panel)
        self.setCentralWidget(self.stack)
        self.meter = ExposureMeter()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self.act_collapse.setChecked(settings.collapse_groups)
        self.filter_combo.activated.connect(self._filter_chosen)
        for action, slot in (
            (self.act_focus_filter, self._focus_filter),
            (self.act_switch_pane, self._switch_pane),
            (self.act_details, self._toggle_details),
        ):
            action.triggered.connect(slot)

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        text = QLabel(WELCOME)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.welcome_buttons = [QPushButton("&Open case…"), QPushButton("&New case…")]
        for button in self.welcome_buttons:
            button.setMaximumWidth(240)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey

        def act(text: str, shortcut: Shortcut = None, tip: str = "") -> QAction:
            return make_action(self, text, shortcut, tip)

        self.act_new = act("&New case…", keys.New, "Create a new case")
        self.act_open = act("&Open case…", keys.Open, "Open a case folder and sign in")
        self.act_close = act("&Close case", keys.Close)
        self.act_ingest = act("&Add exhibit and ingest…", "Ctrl+I", "Ingest a seized folder")
        self.act_report = act(
            "Make &report…", "Ctrl+R", "Write the case report: PDF, HTML, CSV or VICS"
        )
        self.act_export_list = act(
            "&Export graded items as a hash list…",
            tip="An own list of the graded items (CSV, VICS)",
        )
        self.act_settings = act("&Settings…", "Ctrl+,")
        self.act_quit = act("&Quit", keys.Quit)
        self.act_hashsets = act(
            "Hash &library and matching…", "Ctrl+H", "Import and attach hash sets"
        )
        self.act_match = act("&Match case now", "Ctrl+M", "Match against the active hash sets")
        self.act_undo = act("&Undo last grading", keys.Undo, "Undo this session's last grading")
        self.act_confirm = act(
            "&Confirm suggestion\tEnter / C", tip="Accept the near-match suggestion"
        )
        self.act_collapse = act("Collapse duplicate &groups", "Ctrl+G", "One tile per group")
        self.act_collapse.setCheckable(True)
        self.act_bigger = act("&Larger tiles", keys.ZoomIn)
        self.act_smaller = act("&Smaller tiles", keys.ZoomOut)
        self.act_focus_filter = act("&Filter list", "Ctrl+L")
        self.act_switch_pane = act("Gallery / &details", "F6")
        self.act_details = act("Show &details pane", "F9")
        self.act_details.setCheckable(True)
        self.act_details.setChecked(True)
        self.filter_group = QActionGroup(self)
        self.filter_actions: dict[str, QAction] = {}
        # Supervision: offered to supervisors only (see set_case_state); refused otherwise.
        self.act_supervisor = act(
            "&Audit trail and examiner statistics…",
            "Ctrl+Shift+A",
            "Review the audit trail: filters, verification, per-examiner statistics, export",
        )
        self.act_qa = act(
            "Blind second grading (&QA)…",
            "Ctrl+Shift+Q",
            "Draw a sample for blind second grading; agreement, kappa; adjudicate",
        )
        self.act_sign_off = act(
            "&Sign off exhibit or case…",
            "Ctrl+Shift+S",
            "Record a supervisor's sign-off with the audit head, the counts and the QA result",
        )
        self.act_keys = act("&Keyboard shortcuts", "F1")
        self.act_about = act("&About")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.act_new, self.act_open, self.act_close):
            file_menu.addAction(action)
        groups = ((self.act_ingest,), (self.act_report, self.act_export_list), (self.act_settings,),
                  (self.act_quit,))  # fmt: skip
        for group in groups:
            file_menu.addSeparator()
            file_menu.addActions(list(group))
        hash_menu = bar.addMenu("&Hash sets")
        hash_menu.addActions([self.act_hashsets, self.act_match])
        self.view_menu = bar.addMenu("&View")
        self.filter_menu = self.view_menu.addMenu("&Filter")
        self.view_menu.addAction(self.act_focus_filter)
        self.view_menu.addSeparator()
        self.view_menu.addActions([self.act_collapse, self.act_bigger, self.act_smaller,
                                   self.act_details, self.act_switch_pane])  # fmt: skip
        self.grade_menu = bar.addMenu("&Grade")
        self.supervision_menu = bar.addMenu("&Supervision")
        self.supervision_menu.setToolTipsVisible(True)
        self.supervision_menu.addActions([self.act_supervisor, self.act_qa, self.act_sign_off])
        self.supervision_hint = self.supervision_menu.addAction("(for supervisor accounts)")
        self.supervision_hint.setEnabled(False)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_keys, self.act_about])

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.addActions([self.act_open, self.act_ingest, self.act_hashsets, self.act_undo])
        bar.addSeparator()
        label = QLabel(" Fi&lter: ")
        self.filter_combo = QComboBox()
        self.filter_combo.setMinimumWidth(260)
        self.filter_combo.setAccessibleName("Filter")
        label.setBuddy(self.filter_combo)
        bar.addWidget(label)
        bar.addWidget(self.filter_combo)
        bar.addAction(self.act_collapse)
        bar.addSeparator()
        bar.addActions([self.act_smaller, self.act_bigger])

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self._counts = QLabel("")
        self._busy = QLabel("")
        status.addPermanentWidget(self._busy)
        status.addPermanentWidget(self._counts)
        status.addPermanentWidget(self.meter)
        status.showMessage("No case open. File > Open case… (Ctrl+O)")

    # -- keeping in step with the case ------------------------------------------------

    def set_case_state(self, *, open_: bool, supervisor: bool, can_undo: bool) -> None:
        """Enable what a case (and the account's role) allows."""
        for action in (self.act_close, self.act_ingest, self.act_hashsets, self.act_match,
                       self.act_undo, self.act_confirm, self.act_report,
                       self.act_export_list):  # fmt: skip
            action.setEnabled(open_)
        self.act_undo.setEnabled(open_ and can_undo)
        self.filter_combo.setEnabled(open_)
        for action, tip in (
            (self.act_supervisor, "Review the audit trail (supervisors only)"),
            (self.act_qa, "Blind second grading (supervisors only)"),
            (self.act_sign_off, "Sign off an exhibit or the case (supervisors only)"),
        ):
            action.setEnabled(supervisor)
            action.setToolTip(tip if supervisor or not open_ else f"{tip}: you are an examiner")
        self.supervision_hint.setVisible(not supervisor)

    def fill_grade_menu(self, scheme: Scheme | None, grade: Callable[[str, bool], None]) -> None:
        """The scheme's categories (and whole-group variants); empty without a case."""
        menu = self.grade_menu
        menu.clear()
        if scheme is None:
            return
        whole = []
        for cat in scheme.categories:
            text = f"{cat.code}: {cat.label}"
            menu.addAction(
                make_action(menu, f"{text}\t{cat.key}", slot=partial(grade, cat.code, False))
            )
            whole.append(make_action(menu, f"{text}\tShift+{cat.key}",
                                     slot=partial(grade, cat.code, True)))  # fmt: skip
        menu.addMenu("Whole duplicate &group").addActions(whole)
        menu.addSeparator()
        menu.addActions([self.act_confirm, self.act_undo])
        menu.addSeparator()
        hint = menu.addAction("Reveal: hold Space, or hold the mouse button on a tile")
        hint.setEnabled(False)

    def _fill_filters(self) -> None:
        """Offer the panel's filters in the toolbar's list and the Filter menu."""
        self.filter_combo.clear()
        self.filter_menu.clear()
        for action in self.filter_group.actions():
            self.filter_group.removeAction(action)
        self.filter_actions = {}
        for flt in self.panel.filters:
            self.filter_combo.addItem(flt.label, flt.key)
            quick = QUICK_FILTERS.index(flt.key) + 1 if flt.key in QUICK_FILTERS else None
            shortcut = f"Ctrl+{quick}" if quick else None
            action = make_action(self, flt.label, shortcut, slot=partial(self.set_filter, flt.key))
            action.setCheckable(True)
            self.filter_group.addAction(action)
            self.filter_menu.addAction(action)
            self.filter_actions[flt.key] = action
        self._show_filter(self.panel.filter_key)

    def _show_filter(self, key: str) -> None:
        """Mark filter ``key`` as the one in force, in the list and the menu."""
        self.filter_combo.setCurrentIndex(max(0, self.filter_combo.findData(key)))
        if key in self.filter_actions:
            self.filter_actions[key].setChecked(True)

    # -- filters and panes ----------------------------------------------------------------

    def _filter_chosen(self, index: int) -> None:
        self.set_filter(str(self.filter_combo.itemData(index)))
        self.panel.view.setFocus()

    def set_filter(self, key: str) -> None:
        """Show one filter's tiles (``review``, ``suggestions``, ``graded:A``, ...)."""
        self.panel.set_filter(key)
        self._show_filter(self.panel.filter_key)
        model = self.panel.model
        self._show_counts(model.rowCount() if model else 0, model.total if model else 0)

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

    def clear_case_view(self) -> None:
        """Back to the welcome page: no grades, filters or counts."""
        self.fill_grade_menu(None, lambda _code, _whole: None)
        self.filter_combo.clear()
        self._counts.setText("")
        self.stack.setCurrentIndex(0)
        self.setWindowTitle(f"Triage workstation {__version__}")

    # -- messages -------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Show a message in the status bar."""
        self.statusBar().showMessage(text, MESSAGE_MS)

    def show_error(self, title: str, text: str) -> None:
        """Report an error in a non-blocking message box."""
        open_message(self, QMessageBox.Icon.Critical, title, text)
        self.say(text)
        self.error_shown.emit(text)

    def show_busy(self, busy: bool) -> None:
        """Say whether the writer is saving."""
        self._busy.setText("saving…" if busy else "")

    def _show_counts(self, tiles: int, items: int) -> None:
        label = self.panel.current_filter().label
        self._counts.setText(f"{label}: {tiles:,} tiles | {items:,} items")

    def _show_selection(self, count: int) -> None:
        if count > 1:
            self.say(f"{count} tiles selected")
