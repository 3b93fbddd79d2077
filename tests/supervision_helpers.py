"""Accounts, sign-in and a drawn sample for the supervision tests (``tests/supervision/``)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

from conftest import TEST_PASSWORD, run_cli

from triage_app.case.session import CaseSession
from triage_app.supervision import qa

FIRST = "Alice First"  # the examiner whose grades are sampled (ID AF1)
SECOND = "Bob Second"  # the blind second grader (ID BS2)
SUPER = "Sam Super"  # the supervisor (ID SS3)
FIRST_LABEL, SECOND_LABEL = "Alice First (AF1)", "Bob Second (BS2)"
#: First grades of the graded items, in item order (the last 6 items stay ungraded).
PATTERN = "ABCABCABCABCABCABC"


def sign(case: Path, who: str) -> CaseSession:
    return CaseSession.sign_in(case, who, TEST_PASSWORD)


def cli(*args: object, user: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_cli(*map(str, args), "--user", user, check=check)


def draw(case: Path, **kw: Any) -> qa.SampleDraw:
    with sign(case, SUPER) as s:
        return qa.draw_sample(s, examiner=FIRST, second_grader=SECOND, **kw)


def second_grade(case: Path, round_id: int, answers: dict[int, str]) -> None:
    with sign(case, SECOND) as s:
        for item, cat in answers.items():
            qa.record_second_grade(s, round_id, item, cat)


def documented_rule(
    population: list[tuple[int, str]], seed: int, per_category: dict[str, int]
) -> list[int]:
    """The sampling rule as the module documents it, written out independently."""

    def key(purpose: str, item: int) -> str:
        return hashlib.sha256(f"{seed}:{purpose}:{item}".encode()).hexdigest()

    chosen: list[int] = []
    for category in sorted(per_category):
        pool = sorted((i for i, c in population if c == category), key=lambda i: key("sample", i))
        chosen += pool[: per_category[category]]
    return sorted(chosen, key=lambda i: key("order", i))
