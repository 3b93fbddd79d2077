"""Entry point of ``triage-app``.

The display and the system libraries Qt needs are checked before Qt is
imported (see :mod:`triage_app.gui.platform_deps`), so a missing library gives
one line naming the packages instead of Qt's abort.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from triage_app.domain.accounts import PASSWORD_ENV, USER_ENV
from triage_app.gui import platform_deps

#: How often Python gets control to notice Ctrl+C or SIGTERM while Qt runs the loop.
SIGNAL_POLL_MS = 250


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options, and the rest (Qt's own options) for QApplication."""
    parser = argparse.ArgumentParser(prog="triage-app", description="the triage workstation GUI")
    parser.add_argument("case_dir", nargs="?", type=Path, metavar="CASE_DIR")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the case, quit after the first paint (status 0) or on an error (1)",
    )
    args, rest = parser.parse_known_args(list(argv[1:]))
    return args, [argv[0] if argv else "triage-app", *rest]


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI, opening the case folder given as the first argument.

    ``TRIAGE_USER`` and ``TRIAGE_PASSWORD`` sign in without asking (the demo
    uses them); otherwise a sign-in dialog asks. Ctrl+C and SIGTERM close the
    window as the Quit action would: any reveal is blurred and logged, and the
    case is closed in the audit trail.
    """
    args, qt_args = parse_args(sys.argv if argv is None else argv)
    smoke = args.smoke or os.environ.get("TRIAGE_SMOKE_EXIT", "") not in ("", "0")
    if platform_deps.ensure(install=False) != 0:
        return 2
    from triage_app.gui import qt_compat
    from triage_app.gui.qt import QApplication, QTimer
    from triage_app.gui.smoke import SmokeRun
    from triage_app.gui.window.main_window import MainWindow

    try:
        qt_compat.check_binding()
    except RuntimeError as exc:
        print(f"triage-app: error: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(qt_args)
    assert isinstance(app, QApplication)
    app.setApplicationName("Triage workstation")
    app.setStyle("Fusion")
    window = MainWindow()
    window.show()
    runner = SmokeRun(app, window, with_case=args.case_dir is not None) if smoke else None
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: window.close())
    poll = QTimer()
    poll.timeout.connect(lambda: None)
    poll.start(SIGNAL_POLL_MS)
    if args.case_dir is not None:
        case_dir = args.case_dir
        if smoke and not (os.environ.get(USER_ENV) and os.environ.get(PASSWORD_ENV)):
            print(
                f"triage-app: error: --smoke signs in from ${USER_ENV} and ${PASSWORD_ENV}; "
                "set both",
                file=sys.stderr,
            )
            return 2
        # Opened from the event loop, so a sign-in dialog never runs before it.
        QTimer.singleShot(0, lambda: window.open_case(case_dir))
    code = int(app.exec())
    return runner.code if runner is not None and runner.code is not None else code


if __name__ == "__main__":
    sys.exit(main())
