"""Building a sub-command: its ``CASE_DIR`` argument and its closing options.

Most commands read ``NAME CASE_DIR [own options] [--json] [--library PATH]
[--user NAME]``: :func:`case_command` opens such a parser and :func:`finish`
adds the shared options, in that order, and the handler.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from triage_app.cli.signin import add_library_option, add_user_option

Handler = Callable[[argparse.Namespace], int]


def case_command(sub: Any, name: str, help: str) -> argparse.ArgumentParser:
    """A sub-command ``NAME CASE_DIR`` of ``sub`` (the caller adds its own options)."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help)
    parser.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    return parser


def finish(
    parser: argparse.ArgumentParser,
    func: Handler,
    *,
    json: bool | str = False,
    library: bool = False,
    user: bool = True,
    **defaults: Any,
) -> None:
    """Close a sub-command: ``--json`` (``json`` may be its help), ``--library``, ``--user``
    (each if asked, in that order), then ``func`` and ``defaults`` as its parsed defaults."""
    if json:
        parser.add_argument(
            "--json", action="store_true", help=json if isinstance(json, str) else None
        )
    if library:
        add_library_option(parser)
    if user:
        add_user_option(parser)
    parser.set_defaults(func=func, **defaults)
