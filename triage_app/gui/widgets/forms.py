"""Small building blocks the dialogs and windows share: fields, labels, button boxes."""

from __future__ import annotations

import html
from collections.abc import Callable

from triage_app.gui.qt import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    Qt,
    QWidget,
)

#: Colours of text that reports a problem: in a form, and after a refused action.
PROBLEM_COLOUR = "#b71c1c"
ERROR_COLOUR = "#a00000"


def error_text(exc: BaseException) -> str:
    """What to tell the user about ``exc``: its message, or at least its kind."""
    return str(exc) or type(exc).__name__


def error_html(text: str) -> str:
    """``text`` escaped and in the error colour, for a rich-text label."""
    return f"<span style='color:{ERROR_COLOUR}'>{html.escape(text)}</span>"


def message_label(*, selectable: bool = True) -> QLabel:
    """An empty, word-wrapped label for status messages (selectable, so it can be copied)."""
    label = QLabel("")
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def problem_label() -> QLabel:
    """An empty label that says what is wrong with a form."""
    label = QLabel("")
    label.setStyleSheet(f"color: {PROBLEM_COLOUR}")
    return label


def path_field(edit: QLineEdit, browse: Callable[[], None]) -> QWidget:
    """``edit`` with a "Browse…" button beside it, as one form field."""
    button = QPushButton("&Browse…")
    button.clicked.connect(browse)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit)
    row.addWidget(button)
    holder = QWidget()
    holder.setLayout(row)
    return holder


def ok_cancel(
    on_ok: Callable[[], None], on_cancel: Callable[[], None], ok_text: str | None = None
) -> QDialogButtonBox:
    """OK and Cancel buttons (OK renamed to ``ok_text`` when given)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    if ok_text is not None:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(on_cancel)
    return buttons


def add_captioned(layout: QHBoxLayout, caption: str, widget: QWidget) -> None:
    """Add ``widget`` to a row after a label naming it (its mnemonic focuses the widget)."""
    label = QLabel(caption)
    label.setBuddy(widget)
    layout.addWidget(label)
    layout.addWidget(widget)


def open_message(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """Show a message box that does not block and deletes itself when closed."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    return box
