"""The audit trail as a table model: one row per entry, the broken and flagged ones marked.

Which entries are emphasised or flagged is decided by
:mod:`triage_app.supervision.trail_marks`; the model only paints them.
"""

from __future__ import annotations

import json
from typing import Any

from triage_app.gui.qt import (
    QAbstractTableModel,
    QBrush,
    QColor,
    QFont,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QWidget,
)
from triage_app.supervision.trail_marks import EMPHASISED_ACTIONS, AuditRow, is_flagged

COLUMNS = ("Seq", "Time (UTC)", "User", "Action", "Object", "Details")


def entry_details(payload: str) -> str:
    """An entry's JSON payload as ``key: value; ...`` (as stored when it is not an object)."""
    try:
        value = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(value, dict) or not value:
        return "" if value == {} else payload
    return "; ".join(
        f"{k}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
        for k, v in value.items()
    )


class AuditTableModel(QAbstractTableModel):
    """Audit entries as table rows (read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []
        self.first_bad: int | None = None

    def set_rows(self, rows: list[AuditRow], first_bad: int | None = None) -> None:
        """Show ``rows``; ``first_bad`` is the entry where the chain breaks (highlighted)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.first_bad = first_bad
        self.endResetModel()

    def row_of(self, seq: int) -> int | None:
        """The table row showing entry ``seq``, if shown."""
        for number, row in enumerate(self._rows):
            if row.seq == seq:
                return number
        return None

    def row_at(self, row: int) -> AuditRow:
        """The entry shown in table row ``row``."""
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Entries shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Columns of the table."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text, tooltips (the whole entry) and alignment."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(row.seq),
                row.time_utc[:19].replace("T", " "),
                row.user,
                row.action,
                row.object,
                entry_details(row.payload),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"Entry {row.seq} at {row.time_utc}\n{row.user}: {row.action} ({row.object})\n"
                f"{row.payload}\nhash {row.hash}\nprevious {row.prev_hash}"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and row.seq == self.first_bad:
            return QBrush(QColor("#a00000"))
        if role == Qt.ItemDataRole.ForegroundRole and row.seq == self.first_bad:
            return QBrush(QColor("white"))
        if role == Qt.ItemDataRole.BackgroundRole and is_flagged(row):
            return QBrush(QColor("#f8d7d7"))
        if role == Qt.ItemDataRole.FontRole and row.action in EMPHASISED_ACTIONS:
            font = QFont()
            font.setBold(True)
            return font
        return None
