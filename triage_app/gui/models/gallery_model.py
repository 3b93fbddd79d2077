"""The gallery's list model: one row per tile, with custom roles.

The model holds every :class:`~triage_app.review.gallery_rows.GalleryRow` of the
case (the "master" list, in item order) and shows the tiles that the current
filter lets through, one per duplicate group when collapsing. Changing the
filter resets the model; a grade change updates only the tiles concerned
(rows removed, inserted or changed in place), so the selection and scroll
position survive grading.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from typing import Any

from triage_app.config.schemes import Scheme
from triage_app.domain.text_safety import printable
from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader
from triage_app.gui.qt import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from triage_app.review.filters import choose_tile, tile_key, visible_rows
from triage_app.review.gallery_rows import Filter, GalleryRow
from triage_app.review.tiles import TileFacts, match_explanation, tile_facts

AnyIndex = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    """Custom data roles of :class:`GalleryModel`."""

    ItemIdRole = Qt.ItemDataRole.UserRole + 1
    RowRole = Qt.ItemDataRole.UserRole + 2
    GradeRole = Qt.ItemDataRole.UserRole + 3
    MatchRole = Qt.ItemDataRole.UserRole + 4
    GroupCountRole = Qt.ItemDataRole.UserRole + 5
    GroupIdRole = Qt.ItemDataRole.UserRole + 6
    MediaTypeRole = Qt.ItemDataRole.UserRole + 7
    ThumbnailRole = Qt.ItemDataRole.UserRole + 8
    TileRole = Qt.ItemDataRole.UserRole + 9
    NoThumbnailRole = Qt.ItemDataRole.UserRole + 10
    #: A video tile's chosen frame of its strip: (index, frames in the strip), or None.
    FrameRole = Qt.ItemDataRole.UserRole + 11


def _everything(_row: GalleryRow) -> bool:
    return True


def _item_order(row: GalleryRow) -> Any:
    return row.item_id


#: The order of the tiles: a comparable key per row (ties are broken by item id).
Order = Callable[[GalleryRow], Any]


class GalleryModel(QAbstractListModel):
    """Tiles of the gallery over the case's gallery rows."""

    def __init__(
        self,
        scheme: Scheme,
        loader: ThumbnailLoader | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._scheme = scheme
        self._loader = loader
        self._all: list[GalleryRow] = []
        self._by_id: dict[int, GalleryRow] = {}
        self._groups: dict[int, list[GalleryRow]] = {}
        self._visible: list[GalleryRow] = []
        self._ids: list[int] = []
        self._keys: list[tuple[Any, int]] = []
        self._order: Order = _item_order
        self._frames: dict[int, tuple[int, int]] = {}
        self._predicate: Filter = _everything
        self._collapse = True
        if loader is not None:
            loader.loaded_many.connect(self._thumbnails_loaded)

    # -- Qt model interface -----------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of tiles (a list model has no children)."""
        return 0 if parent.isValid() else len(self._visible)

    def roleNames(self) -> dict[int, QByteArray]:
        """Role names (for debugging and QML-style access)."""
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(role.name.encode()) for role in Role})
        return names

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Tiles are selectable; nothing is editable or draggable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The tile's data for ``role``; the thumbnail role starts a lazy load."""
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        row = self._visible[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"#{row.item_id}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._tooltip(row)
        if role == Role.ItemIdRole:
            return row.item_id
        if role == Role.RowRole:
            return row
        if role == Role.GradeRole:
            return row.grade
        if role == Role.MatchRole:
            if row.match_kind is None:
                return None
            return {
                "kind": row.match_kind,
                "category": row.match_category,
                "distance": row.match_distance,
            }
        if role == Role.GroupCountRole:
            return row.cluster_size if row.cluster is not None else 1
        if role == Role.GroupIdRole:
            return row.cluster
        if role == Role.MediaTypeRole:
            return row.media_type
        if role == Role.TileRole:
            return tile_facts(row, self._scheme)
        if role == Role.ThumbnailRole:
            return self._thumbnail(row)
        if role == Role.FrameRole:
            return self._frames.get(row.item_id)
        if role == Role.NoThumbnailRole:
            return self._loader is None or self._loader.has_no_thumbnail(row.item_id)
        return None

    # -- loading and filtering --------------------------------------------------

    def set_rows(self, rows: Sequence[GalleryRow]) -> None:
        """Replace every row of the case (resets the model)."""
        self.beginResetModel()
        self._all = list(rows)
        self._by_id = {r.item_id: r for r in self._all}
        self._groups = {}
        for r in self._all:
            if r.cluster is not None:
                self._groups.setdefault(r.cluster, []).append(r)
        self._rebuild()
        self.endResetModel()

    def set_filter(self, predicate: Filter, *, collapse: bool) -> None:
        """Show the tiles ``predicate`` lets through (resets the model)."""
        self.beginResetModel()
        self._predicate = predicate
        self._collapse = collapse
        self._rebuild()
        self.endResetModel()

    def set_order(self, order: Order | None) -> None:
        """Show the tiles in ``order`` (None: item id); resets the model."""
        self.beginResetModel()
        self._order = order or _item_order
        self._rebuild()
        self.endResetModel()

    def _key(self, row: GalleryRow) -> tuple[Any, int]:
        return (self._order(row), row.item_id)

    def _rebuild(self) -> None:
        rows = visible_rows(self._all, self._predicate, collapse=self._collapse)
        if self._order is not _item_order:
            rows.sort(key=self._key)
        self._visible = rows
        self._ids = [r.item_id for r in rows]
        self._keys = [self._key(r) for r in rows]

    @property
    def collapse(self) -> bool:
        """Whether duplicate groups show as one tile."""
        return self._collapse

    @property
    def total(self) -> int:
        """Number of items in the case."""
        return len(self._all)

    def all_rows(self) -> list[GalleryRow]:
        """Every row of the case (visible or not)."""
        return self._all

    def row_of(self, item_id: int) -> int:
        """The model row showing ``item_id``, or -1."""
        row = self._by_id.get(item_id)
        if row is None:
            return -1
        pos = bisect.bisect_left(self._keys, self._key(row))
        return pos if pos < len(self._ids) and self._ids[pos] == item_id else -1

    def gallery_row(self, item_id: int) -> GalleryRow | None:
        """The gallery row of an item, shown or not."""
        return self._by_id.get(item_id)

    def group_members(self, row: GalleryRow) -> list[GalleryRow]:
        """The rows of ``row``'s duplicate group (just ``row`` when it has none)."""
        if row.cluster is None:
            return [row]
        return list(self._groups.get(row.cluster, [row]))

    def cluster_rows(self, cluster: int) -> list[GalleryRow]:
        """The rows of duplicate group ``cluster`` (none when there is no such group)."""
        return list(self._groups.get(cluster, []))

    def update_grades(self, grades: dict[int, tuple[str | None, str | None]]) -> None:
        """Apply new (category, source) grades to items and update only the tiles concerned."""
        for item_id, (category, source) in grades.items():
            row = self._by_id.get(item_id)
            if row is not None:
                row.grade, row.grade_source = category, source
        self.refresh_items(grades)

    def refresh_items(self, item_ids: Iterable[int]) -> None:
        """Re-apply the filter to these items' tiles: remove, insert or repaint them."""
        keys: dict[tuple[str, int], list[GalleryRow]] = {}
        for item_id in item_ids:
            row = self._by_id.get(item_id)
            if row is None:
                continue
            key = tile_key(row, self._collapse)
            if key not in keys:
                keys[key] = self.group_members(row) if key[0] == "group" else [row]
        for members in keys.values():
            shown = [m for m in members if self.row_of(m.item_id) >= 0]
            wanted = choose_tile(members, self._predicate)
            for old in shown:
                if wanted is None or old is not wanted:
                    pos = self.row_of(old.item_id)
                    self.beginRemoveRows(QModelIndex(), pos, pos)
                    del self._visible[pos]
                    del self._ids[pos]
                    del self._keys[pos]
                    self.endRemoveRows()
            if wanted is None:
                continue
            pos = self.row_of(wanted.item_id)
            if pos >= 0:
                index = self.index(pos)
                self.dataChanged.emit(index, index)
            else:
                key = self._key(wanted)
                pos = bisect.bisect_left(self._keys, key)
                self.beginInsertRows(QModelIndex(), pos, pos)
                self._visible.insert(pos, wanted)
                self._ids.insert(pos, wanted.item_id)
                self._keys.insert(pos, key)
                self.endInsertRows()

    def set_frame(self, item_id: int, index: int, frames: int) -> None:
        """Mark frame ``index`` of ``frames`` in a video tile's strip as the one to reveal."""
        self._frames[item_id] = (index, frames)
        pos = self.row_of(item_id)
        if pos >= 0:
            self.dataChanged.emit(self.index(pos), self.index(pos), [Role.FrameRole])

    def frame_of(self, item_id: int) -> tuple[int, int] | None:
        """The chosen frame of a video tile's strip (index, frames), if one was chosen."""
        return self._frames.get(item_id)

    # -- thumbnails -------------------------------------------------------------

    def _thumbnail(self, row: GalleryRow) -> Any:
        if self._loader is None or row.media_type not in ("image", "video"):
            return None  # a video's thumbnail is its frame strip
        image = self._loader.cached(row.item_id)
        if image is None:
            self._loader.request(row.item_id)
        return image

    def _thumbnails_loaded(self, item_ids: list[int]) -> None:
        """Repaint a loaded batch with one signal (the rows between its first and last)."""
        rows = [pos for pos in map(self.row_of, item_ids) if pos >= 0]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)),
                                  [Role.ThumbnailRole, Role.NoThumbnailRole])  # fmt: skip

    def _tooltip(self, row: GalleryRow) -> str:
        facts: TileFacts = tile_facts(row, self._scheme)
        parts = [printable(f"Item #{row.item_id} ({row.exhibit})"), printable(row.path)]
        if facts.grade:
            parts.append(f"Graded {facts.grade} ({row.grade_source})")
        if facts.match_text:
            parts.append(f"Match {facts.match_text}: {match_explanation(row)}")
        if facts.group_count > 1:
            parts.append(f"Duplicate group of {facts.group_count}")
        return "\n".join(parts)
