"""Read-only tables of text: one way to set them up and fill them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from triage_app.gui.qt import QAbstractItemView, QHeaderView, Qt, QTableWidget, QTableWidgetItem

#: Alignment of numbers in a table.
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def read_only_table(
    columns: Sequence[str], name: str, *, stretch: int = -1, single: bool = False
) -> QTableWidget:
    """A table with these column titles whose rows are selected whole and never edited.

    Columns fit their contents; column ``stretch`` (-1: the last) takes the room
    left. ``single`` allows one selected row at a time.
    """
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch < 0:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def cell(value: object, *, right: bool = False) -> QTableWidgetItem:
    """A table cell showing ``value`` (nothing for None), right-aligned for numbers."""
    item = QTableWidgetItem("" if value is None else str(value))
    if right:
        item.setTextAlignment(RIGHT)
    return item


def fill_table(
    table: QTableWidget,
    rows: Iterable[Sequence[object]],
    right: Callable[[int], bool] = lambda _column: False,
) -> None:
    """Show ``rows`` in ``table``; ``right(column)`` says which columns are right-aligned."""
    rows = list(rows)
    table.setRowCount(len(rows))
    for number, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(number, column, cell(value, right=right(column)))
