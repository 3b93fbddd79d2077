"""Entry point of the ``triage`` command: argument parsing and error handling."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DatabaseError, OperationalError

from triage_app import __version__
from triage_app.cli import (
    audit_commands,
    case_commands,
    hashset_commands,
    ingest_commands,
    report_commands,
    review_commands,
    supervision_commands,
)
from triage_app.domain.errors import TriageError


def build_parser() -> argparse.ArgumentParser:
    """Build the full ``triage`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="triage",
        description="Offline triage of seized media: ingest, hash, match, grade, report.",
    )
    parser.add_argument("--version", action="version", version=f"triage {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    case_commands.register(sub)
    ingest_commands.register(sub)
    hashset_commands.register(sub)
    review_commands.register(sub)
    audit_commands.register(sub)
    report_commands.register(sub)
    supervision_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except TriageError as exc:
        print(f"triage: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OperationalError as exc:
        if "locked" in str(exc):
            print(
                "triage: error: the case is busy: another process kept it locked past the "
                "busy timeout; try again",
                file=sys.stderr,
            )
            return 3
        print(f"triage: error: database error: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(f"triage: error: database error: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ntriage: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
