"""Frozen entry point of ``triage-app`` (the GUI executable of the one-folder build)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # The ingest pool starts its workers with "spawn": in a frozen program the
    # worker is this executable again, and freeze_support() runs it as one.
    multiprocessing.freeze_support()
    from triage_app.gui.app import main

    sys.exit(main())
