"""Entry point of the ``triage`` command: argument parsing and error handling.

Starting is cheap: the parser is built from modules that hold argument
definitions only (the standard library and :mod:`triage_app.domain`), and each
command's handler imports the core services it needs when it runs. So
``triage --help`` loads no database or imaging code, and a command loads only
its own.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from triage_app import __version__
from triage_app.cli import (
    annotation_commands,
    audit_commands,
    case_commands,
    hashset_commands,
    ingest_commands,
    lab_commands,
    qa_commands,
    report_commands,
    review_commands,
    safe_output,
    supervision_commands,
)
from triage_app.cli.argtypes import OneLineParser
from triage_app.domain.errors import TriageError

#: Set to see the traceback of an internal error instead of its one-line summary.
DEBUG_ENV = "TRIAGE_DEBUG"
#: Exit status of an internal error (EX_SOFTWARE).
INTERNAL_ERROR = 70


def build_parser() -> OneLineParser:
    """Build the full ``triage`` argument parser."""
    parser = OneLineParser(
        prog="triage",
        description="Offline triage of seized media: ingest, hash, match, grade, report.",
    )
    parser.add_argument("--version", action="version", version=f"triage {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )
    case_commands.register(sub)
    ingest_commands.register(sub)
    hashset_commands.register(sub)
    review_commands.register(sub)
    annotation_commands.register(sub)
    audit_commands.register(sub)
    report_commands.register(sub)
    qa_commands.register(sub)
    supervision_commands.register(sub)
    lab_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    try:
        return _run(argv)
    finally:
        # The process is about to exit: spare the interpreter a last garbage
        # collection over every object the command loaded (tens of ms).
        gc.freeze()


def _run(argv: Sequence[str] | None) -> int:
    if argv is None:  # the real command (not a test calling main(args) in-process)
        safe_output.install()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except TriageError as exc:
        print(f"triage: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ntriage: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from triage_app.case.errors import database_error_message

        said = database_error_message(exc)
        if said is not None:
            print(f"triage: error: {said[0]}", file=sys.stderr)
            return said[1]
        if os.environ.get(DEBUG_ENV):
            raise
        # A bug: say so in one line, never dump a traceback on an examiner.
        what = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        print(
            f"triage: internal error: {what} (a bug; set {DEBUG_ENV}=1 to see where)",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
