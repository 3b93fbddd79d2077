"""Opening a duplicate group, and comparing two of its members side by side.

An open group is a sub-gallery: the grid shows every member of the group
(collapsing off, whatever the filter), each gradable with the usual keys, and
the group bar says what the group holds; Escape or "Back" returns to the
filter, with the group's tile current. From there (or from any tile of a
group) X compares two members side by side: the two selected tiles, or the
current tile and its group's representative (a near duplicate rather than a
byte-identical copy when there is one). Each side stays blurred until held;
its reveal goes through the panel's reveal controller like any other.
"""

from __future__ import annotations

from triage_app.gui.controllers.panel_parts import PanelParts
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import QModelIndex, QObject
from triage_app.review.gallery_rows import GalleryRow


def group_text(members: list[GalleryRow]) -> str:
    """What the group bar says about an open group."""
    rep = next((m for m in members if m.representative), members[0])
    copies = sum(1 for m in members if m.sha256 is not None and m.sha256 == rep.sha256)
    near = len(members) - copies
    graded = sum(1 for m in members if m.grade is not None)
    return (
        f"Group #{rep.cluster}: {len(members)} members, {copies} byte-identical "
        f"(representative #{rep.item_id}), {near} near duplicate{'s' if near != 1 else ''}; "
        f"{graded} graded"
    )


def partner(row: GalleryRow, members: list[GalleryRow]) -> GalleryRow | None:
    """Who ``row`` is compared with: the representative, else a near duplicate, else a copy."""
    others = [m for m in members if m.item_id != row.item_id]
    if not others:
        return None
    rep = next((m for m in others if m.representative), None)
    if rep is not None:
        return rep
    near = [m for m in others if m.sha256 != row.sha256]
    return (near or others)[0]


class GroupBrowser(QObject):
    """Open-group and side-by-side behaviour of the gallery panel."""

    def __init__(self, panel: PanelParts, parent: QObject) -> None:
        super().__init__(parent)
        self.panel = panel
        area = panel.area
        self.compare_view = area.compare
        self._listening: object | None = None
        panel.view.command.connect(self._command)
        panel.view.doubleClicked.connect(self._double_clicked)
        area.group_bar.back_button.clicked.connect(self.back)
        area.group_bar.compare_button.clicked.connect(self.compare)
        view = self.compare_view
        view.closed.connect(self.back)
        view.key_grade.connect(panel.view.key_grade)
        view.confirm_requested.connect(panel.view.confirm_requested)
        view.reveal_held.connect(self._compare_reveal)
        view.reveal_released.connect(panel.view.reveal_released)
        view.focus_lost.connect(panel.view.focus_lost)

    # -- commands ---------------------------------------------------------------------

    def _command(self, name: str) -> None:
        if name == "back":
            self.back()
        elif name == "open":
            self.open_current()
        elif name == "compare":
            self.compare()

    def _double_clicked(self, index: QModelIndex) -> None:
        row: GalleryRow | None = index.data(Role.RowRole) if index.isValid() else None
        if row is None:
            return
        model = self.panel.model
        if self.panel.group is None and model is not None and row.cluster_size > 1:
            self.open_group(row)
        else:
            self.panel.show_details()

    def open_current(self) -> None:
        """Open the group of the current tile."""
        rows = self.panel.selected_rows()
        if rows:
            self.open_group(rows[0])

    def open_group(self, row: GalleryRow) -> None:
        """Show the members of ``row``'s duplicate group in the grid."""
        panel = self.panel
        if row.cluster is None or row.cluster_size < 2:
            panel.say(f"Item #{row.item_id} is in no duplicate group.")
            return
        if panel.reveal is not None:
            panel.reveal.cancel("opened a group")
        panel.group = row.cluster
        panel.refilter()
        panel.say(f"Group #{row.cluster} open: Esc goes back to the gallery")

    def back(self) -> None:
        """Leave the comparison, else close the open group."""
        panel = self.panel
        if panel.reveal is not None:
            panel.reveal.cancel("went back")
        if panel.area.comparing:
            panel.area.show_grid()
            return
        if panel.group is not None:
            panel.group = None
            panel.area.group_bar.hide()
            panel.refilter()

    def close(self) -> None:
        """Forget any open group or comparison (the case is closing)."""
        self.panel.group = None
        self.panel.area.group_bar.hide()
        self.panel.area.show_grid()

    def filter_applied(self) -> None:
        """Keep the group bar in step with what the grid shows."""
        panel, model = self.panel, self.panel.model
        if panel.group is None or model is None:
            panel.area.group_bar.hide()
            return
        members = model.cluster_rows(panel.group)
        if members:
            panel.area.group_bar.say(group_text(members), compare=len(members) > 1)

    # -- side by side -------------------------------------------------------------------

    def compare(self) -> None:
        """Compare two selected tiles, or the current one with its group's representative."""
        panel, model = self.panel, self.panel.model
        if model is None:
            return
        rows = panel.selected_rows()
        if len(rows) >= 2:
            pair = (rows[0], rows[1])
        elif len(rows) == 1:
            other = partner(rows[0], model.group_members(rows[0]))
            if other is None:
                panel.say("Select two tiles, or a tile of a duplicate group, to compare.")
                return
            pair = (rows[0], other)
        else:
            return
        if panel.reveal is not None:
            panel.reveal.cancel("compared side by side")
        self.compare_view.show_pair(*pair)
        for row in pair:
            self._load(row.item_id)
        panel.area.show_compare()
        panel.say(
            f"Comparing #{pair[0].item_id} with #{pair[1].item_id}: Left/Right choose a side, "
            "hold Space to reveal it, a grade key grades it, Esc goes back"
        )

    def _load(self, item_id: int) -> None:
        loader = self.panel.loader
        if loader is None:
            return
        image = loader.cached(item_id)
        if image is not None:
            self.compare_view.set_image(item_id, image)
            return
        if self._listening is not loader:
            loader.loaded_many.connect(self._loaded)
            self._listening = loader
        loader.request(item_id)

    def _loaded(self, item_ids: list[int]) -> None:
        loader = self.panel.loader
        if loader is None:
            return
        for row in self.compare_view.rows:
            if row.item_id in item_ids:
                self.compare_view.set_image(row.item_id, loader.cached(row.item_id))

    def _compare_reveal(self, item_id: int, how: str) -> None:
        panel = self.panel
        row = panel.model.gallery_row(item_id) if panel.model is not None else None
        if panel.reveal is None or row is None:
            return
        if row.media_type != "image":
            panel.say("Only still images can be revealed side by side.")
            return
        side = self.compare_view.active
        panel.area.overlay_over(self.compare_view.side_rect(side))
        panel.reveal.hold(item_id, how)

    def grades_changed(self, item_ids: object) -> None:
        """Show new grades on the comparison's sides."""
        model = self.panel.model
        if model is None or not self.compare_view.rows:
            return
        for row in list(self.compare_view.rows):
            fresh = model.gallery_row(row.item_id)
            if fresh is not None:
                self.compare_view.update_row(fresh)
        self.filter_applied()
