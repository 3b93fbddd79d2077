"""Entry point of ``triage-app``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from triage_app.gui.main_window import MainWindow


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI, opening the case folder given as the first argument."""
    args = list(sys.argv if argv is None else argv)
    app = QApplication.instance() or QApplication(args)
    app.setApplicationName("Triage workstation")
    window = MainWindow()
    window.show()
    if len(args) > 1:
        window.open_case(Path(args[1]))
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
