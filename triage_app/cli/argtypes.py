"""Argument types that check their range, and a parser whose errors take one line.

Every number a command takes is checked here, before anything runs: an absurd
value (``--workers 10**20``, ``--decode-timeout nan``, ``--part -5``) is refused
with one line naming the option and the allowed range, never a traceback and
never a half-done command.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import NoReturn

#: The largest id an item, a round or a part can have (SQLite's integer range).
MAX_ID = 2**63 - 1


def int_range(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip(), 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({low} to {high})")
        return value

    parse.__name__ = "whole number"
    return parse


def float_range(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number from ``low`` (excluded if ``low_open``) to ``high``."""

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        below = value <= low if low_open else value < low
        if not math.isfinite(value) or below or value > high:
            lower = f"more than {low:g}" if low_open else f"{low:g}"
            raise argparse.ArgumentTypeError(f"{text} is out of range ({lower} to {high:g})")
        return value

    parse.__name__ = "number"
    return parse


#: Ids of items, rounds and parts.
item_id = int_range(1, MAX_ID)
part_number = int_range(0, 1_000_000)


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``triage CMD: error: ... (see --help)``."""

    def error(self, message: str) -> NoReturn:
        """Print the error on one line and exit with status 2."""
        line = " ".join(message.split())
        print(f"{self.prog}: error: {line} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)
