"""The hash library: import lists, switch sets on or off, and match the case against them.

Reading the library runs on a reader thread; importing, switching and
matching write (to the library or the case) and so run on the writer
thread. Matching is :func:`triage_app.review.refresh.refresh`: match, grade exact
hits from the lists, regroup duplicates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.domain.options import HASH_SET_ROLES, SCHEME_IDS
from triage_app.gui.qt import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.forms import message_label, ok_cancel, path_field
from triage_app.gui.widgets.tables import cell, read_only_table
from triage_app.gui.workers import JobQueue
from triage_app.library import service as hash_library
from triage_app.library.service import HashSetInfo, ImportResult
from triage_app.review.refresh import RefreshResult, refresh

COLUMNS = ("Use", "Name", "Role", "Format", "Scheme", "Entries", "Imported (UTC)")


def refresh_text(result: RefreshResult) -> str:
    """One line about a match run."""
    if result.match is None:
        return f"the library holds no sets; duplicate groups: {result.groups.groups}"
    c = result.match.counts
    text = (
        f"matched {result.match.items:,} items against {len(result.match.sets)} sets: "
        f"exact {c.get('exact', 0):,}, near {c.get('near', 0):,}, "
        f"ignorable {c.get('ignorable', 0):,}"
    )
    if result.list_grades is not None:
        text += f"; graded from lists {len(result.list_grades.graded):,}"
        if result.list_grades.conflicts:
            text += f" ({len(result.list_grades.conflicts)} conflicts kept the examiner's grade)"
    return text


class ImportListDialog(QDialog):
    """File, name, role and scheme of a list to import."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import hash list")
        form = QFormLayout(self)
        self.path = QLineEdit()
        self.name = QLineEdit()
        self.name.setPlaceholderText("default: the file name")
        self.role = QComboBox()
        for role in HASH_SET_ROLES:
            self.role.addItem(role, role)
        self.scheme = QComboBox()
        self.scheme.addItem("infer from the list", None)
        for scheme_id in SCHEME_IDS:
            self.scheme.addItem(scheme_id, scheme_id)
        form.addRow("&File:", path_field(self.path, self._browse))
        form.addRow("&Name:", self.name)
        form.addRow("&Role:", self.role)
        form.addRow("Category &scheme:", self.scheme)
        form.addRow(ok_cancel(self.accept, self.reject))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Hash list to import")
        if path:
            self.path.setText(path)


class HashSetsDialog(QDialog):
    """Lists the library's sets; import, enable/disable and match from here.

    Signals:
        case_changed(): a match run changed the case's matches and grades.
    """

    case_changed = Signal()

    def __init__(
        self,
        session: CaseSession,
        writer: JobQueue,
        reader: JobQueue,
        library: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hash library and matching")
        self.resize(820, 420)
        self._session = session
        self._writer = writer
        self._reader = reader
        self._library = library
        self._loading = False
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Active sets are used when the case is matched. Exact hits are graded from the "
                "list; near hits become suggestions to confirm; ignorable sets settle items."
            )
        )
        self.table = read_only_table(COLUMNS, "Hash sets", stretch=1)
        self.table.itemChanged.connect(self._toggled)
        layout.addWidget(self.table)
        self.status = message_label(selectable=False)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.import_button = QPushButton("&Import list…")
        self.import_button.clicked.connect(self._import)
        self.match_button = QPushButton("&Match case now")
        self.match_button.clicked.connect(self.match)
        close = QPushButton("&Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.match_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        """Read the library's sets (reader thread)."""
        self._reader.submit(
            lambda: hash_library.list_sets(self._library), self._show_sets, self._failed
        )

    def _show_sets(self, sets: list[HashSetInfo]) -> None:
        self._loading = True
        self.table.setRowCount(len(sets))
        for r, s in enumerate(sets):
            use = QTableWidgetItem()
            use.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            use.setCheckState(Qt.CheckState.Checked if s.active else Qt.CheckState.Unchecked)
            use.setData(Qt.ItemDataRole.UserRole, s.name)
            self.table.setItem(r, 0, use)
            values = (s.name, s.role, s.format, s.scheme or "-", f"{s.loaded:,}",
                      s.imported_at[:19])  # fmt: skip
            for c, value in enumerate(values, start=1):
                self.table.setItem(r, c, cell(value))
        self._loading = False
        if not sets:
            self.status.setText("The hash library is empty: import a list first.")

    def _toggled(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() != 0:
            return
        name = str(item.data(Qt.ItemDataRole.UserRole))
        active = item.checkState() == Qt.CheckState.Checked
        self._writer.submit(
            lambda: hash_library.set_active(self._library, name, active),
            lambda info: self.status.setText(
                f"{info.name!r} is now {'used' if info.active else 'not used'} for matching"
            ),
            self._failed,
        )

    def _import(self) -> None:
        dialog = ImportListDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.path.text().strip():
            return
        self.import_file(
            Path(dialog.path.text().strip()),
            dialog.name.text().strip() or None,
            str(dialog.role.currentData()),
            dialog.scheme.currentData(),
        )

    def import_file(self, path: Path, name: str | None, role: str, scheme: str | None) -> None:
        """Import a hash-list file into the library (writer thread), then list the sets again."""
        self.status.setText(f"importing {path}…")
        library = self._library
        self._writer.submit(
            lambda: hash_library.import_list(library, path, name=name, role=role, scheme=scheme),
            self._imported,
            self._failed,
        )

    def _imported(self, result: ImportResult) -> None:
        info = result.info
        self.status.setText(
            f"imported {info.name!r}: {info.loaded:,} entries, {info.rejected:,} lines rejected"
        )
        self.reload()

    def match(self) -> None:
        """Match the case against the active sets (writer thread)."""
        self.match_button.setEnabled(False)
        self.status.setText("matching…")
        session, library = self._session, self._library
        self._writer.submit(lambda: refresh(session, library), self._matched, self._failed)

    def _matched(self, result: RefreshResult) -> None:
        self.match_button.setEnabled(True)
        self.status.setText(refresh_text(result))
        self.case_changed.emit()

    def _failed(self, exc: Any) -> None:
        self.match_button.setEnabled(True)
        self.status.setText(f"Error: {exc}")
