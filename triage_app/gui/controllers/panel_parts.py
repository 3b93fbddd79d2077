"""What the gallery panel's helpers (groups, video tiles) need of it, as a protocol.

:class:`~triage_app.gui.controllers.group_browser.GroupBrowser` and
:class:`~triage_app.gui.controllers.video_tiles.VideoTiles` are created by
:class:`~triage_app.gui.widgets.gallery_panel.GalleryPanel` and know it only
through :class:`PanelParts`, so neither imports the panel.
"""

from __future__ import annotations

from typing import Protocol

from triage_app.case.session import CaseSession
from triage_app.gui.controllers.reveal_controller import RevealController
from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader
from triage_app.gui.models.gallery_model import GalleryModel
from triage_app.gui.widgets.gallery_area import GalleryArea
from triage_app.gui.widgets.gallery_view import GalleryView
from triage_app.gui.workers import JobQueue
from triage_app.review.gallery_rows import GalleryRow


class PanelParts(Protocol):
    """The parts of the gallery panel its helpers use."""

    group: int | None

    @property
    def view(self) -> GalleryView:
        """The grid."""

    @property
    def area(self) -> GalleryArea:
        """The grid's area: category and group bars, comparison, reveal overlay."""

    @property
    def session(self) -> CaseSession | None:
        """The open case."""

    @property
    def model(self) -> GalleryModel | None:
        """The gallery's model (None without a case)."""

    @property
    def loader(self) -> ThumbnailLoader | None:
        """The blurred-thumbnail loader."""

    @property
    def reader(self) -> JobQueue | None:
        """The reader threads."""

    @property
    def reveal(self) -> RevealController | None:
        """The one reveal controller."""

    def say(self, text: str) -> None:
        """Say something in the status bar."""

    def selected_rows(self) -> list[GalleryRow]:
        """The selected tiles' rows (the comparison's active side while comparing)."""

    def refilter(self) -> None:
        """Apply the filter, open group and narrowing again."""

    def show_details(self) -> None:
        """Show and focus the detail pane."""
