"""What the window's helpers (desk, case tools) need of the main window, as a protocol.

:class:`~triage_app.gui.window.desk.Desk` and
:class:`~triage_app.gui.window.case_tools.CaseTools` act for
:class:`~triage_app.gui.window.main_window.MainWindow`, which creates them; they
know it only through :class:`WindowHost`, so neither imports the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from triage_app.case.session import CaseSession
from triage_app.gui.qt import QMainWindow
from triage_app.gui.widgets.gallery_panel import GalleryPanel
from triage_app.gui.workers import JobQueue


class WindowHost(Protocol):
    """The parts of the main window its helpers use."""

    @property
    def panel(self) -> GalleryPanel:
        """The gallery panel."""

    @property
    def session(self) -> CaseSession | None:
        """The signed-in case, if any."""

    @property
    def writer(self) -> JobQueue:
        """The one writer thread: every database write goes through it."""

    @property
    def library(self) -> Path | None:
        """The hash library in use (None: the per-user default)."""

    @property
    def widget(self) -> QMainWindow:
        """The window, as a parent for dialogs and menus."""

    def say(self, text: str) -> None:
        """Show a message in the status bar."""

    def show_error(self, title: str, text: str) -> None:
        """Report an error."""

    def grade_selection(self, code: str, whole_group: bool = False) -> None:
        """Grade the selection."""

    def confirm_selection(self) -> None:
        """Accept the selection's near-match suggestion."""
