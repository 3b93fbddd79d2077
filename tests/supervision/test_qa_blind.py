"""The second grader grades blind (``triage_app.supervision.qa_blind``)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from supervision_helpers import FIRST, PATTERN, SECOND, SUPER, cli, draw, sign

from triage_app.domain.errors import PermissionDeniedError
from triage_app.review import grading
from triage_app.supervision import qa
from triage_app.supervision.qa import QaError


@contextlib.contextmanager
def sql_statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs inside the block."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", listen)


#: What must never appear in a query made for the second grader.
FORBIDDEN_SQL = re.compile(r"\bgrades\b|\bgrade_history\b|\bfirst_\w+|\bpart_grades\b")


BLIND_KEYS = {"position", "item", "exhibit", "media_type", "your_grade"}


def _no_first_grade_info(text: str, first_times: list[str]) -> None:
    for secret in (FIRST, "AF1", "manual", "hash-list", "source", "first_", "first grade",
                   *first_times):  # fmt: skip
        assert secret not in text, (secret, text)


def test_the_second_grader_never_sees_the_first_grades(qa_case: tuple[Path, list[int]]) -> None:
    """Everything the second grader's API and commands return or query, inspected."""
    case, ids = qa_case
    got = draw(case, percent=50, seed=7)
    sample = list(got.items)
    with sign(case, SUPER) as s:
        first_times = [g.time_utc for g in s.review.grades(sample).values()]
    codes = {"A", "B", "C", "PNP", "XP", "NI", "U"}

    # The API: only positions, ids, exhibit, media type and the grader's own answers,
    # read without touching grades, grade history or the first-grade columns.
    for f in (qa.BlindRound, qa.BlindItem, qa.BlindProgress):
        assert not {x.name for x in fields(f)} & {"first_category", "source", "examiner", "history"}
    with sign(case, SECOND) as s, sql_statements() as sql:
        assigned = qa.assigned_rounds(s)
        blind, items = qa.blind_worklist(s, got.round_id)
        progress = qa.record_second_grade(s, got.round_id, sample[0], "c")
        _, items_after = qa.blind_worklist(s, got.round_id)
    assert [r.id for r in assigned] == [got.round_id] and assigned[0].size == len(sample)
    assert [i.item_id for i in items] == sample and all(i.your_grade is None for i in items)
    assert (progress.category, progress.graded, progress.complete) == ("C", 1, False)
    assert items_after[0].your_grade == "C"
    assert sql and not [q for q in sql if FORBIDDEN_SQL.search(q)], "blind queries read grades"
    assert not [q for q in sql if q.lstrip().upper().startswith("SELECT") and "payload" in q]
    _no_first_grade_info(repr((assigned, blind, items, progress, items_after)), first_times)

    # The commands: every line of every output.
    listing = cli("qa", "grade", case, "--round", got.round_id, user=SECOND).stdout
    lines = listing.strip().splitlines()
    assert lines[0].startswith(f"QA round {got.round_id}: 1 of {len(sample)} graded")
    line = re.compile(r"\s*\d+  item \d+\s+T/1\s+image\s+your grade (-|C)")
    assert all(line.fullmatch(x) for x in lines[1:]), listing
    data = json.loads(cli("qa", "grade", case, "--round", got.round_id, "--json",
                          user=SECOND).stdout)  # fmt: skip
    assert set(data) == {"round", "exhibit", "sample", "graded", "complete", "items"}
    assert all(set(i) == BLIND_KEYS for i in data["items"])
    assert [i["your_grade"] for i in data["items"]] == ["C"] + [None] * (len(sample) - 1)
    recorded = cli("qa", "grade", case, "--round", got.round_id, "--item", sample[1],
                   "--category", "B", "--json", user=SECOND).stdout  # fmt: skip
    assert json.loads(recorded)["your_grade"] == "B"
    rounds = json.loads(cli("qa", "list", case, "--json", user=SECOND).stdout)
    assert set(rounds[0]) == {"round", "created_at", "exhibit", "sample", "graded", "complete"}
    outputs = [listing, json.dumps(data), recorded, json.dumps(rounds)]
    for text in outputs:
        _no_first_grade_info(text, first_times)
    assert not codes & {i["your_grade"] for i in data["items"][1:]}

    # The ordinary ways to see (or change) grades are closed to the grader meanwhile.
    for args in (("history", case, "--item", sample[2]), ("items", case, "--json"),
                 ("grade", case, "--item", ids[20], "--category", "A"),
                 ("qa", "report", case, "--round", got.round_id),
                 ("audit", "export", case, "--out", case.parent / "log.csv"),
                 ("report", case, "--format", "csv", "--out", case.parent / "r.csv")):  # fmt: skip
        refused = cli(*args, user=SECOND, check=False)
        assert refused.returncode == 5, (args, refused.stdout, refused.stderr)
        assert refused.stdout == ""
        _no_first_grade_info(refused.stderr, first_times)
    assert not (case.parent / "log.csv").exists()

    # The second grades are not grades: nothing about the items' grades changed.
    with sign(case, SUPER) as s:
        assert {i: g.category for i, g in s.review.grades(sample).items()} == {
            i: PATTERN[ids.index(i)] for i in sample
        }
        assert all(len(s.review.history(i)) == 1 for i in sample)


def test_second_grades_become_final_when_the_sample_is_complete(
    qa_case: tuple[Path, list[int]],
) -> None:
    case, ids = qa_case
    got = draw(case, counts={"A": 1, "B": 1}, seed=3)
    with sign(case, SECOND) as s:
        with pytest.raises(Exception, match="not in the sample"):
            qa.record_second_grade(s, got.round_id, ids[23], "A")
        qa.record_second_grade(s, got.round_id, got.items[0], "A")
        qa.record_second_grade(s, got.round_id, got.items[0], "B")  # revised: allowed
        with pytest.raises(PermissionDeniedError, match="blind"):
            grading.grade(s, [ids[20]], "A")
        last = qa.record_second_grade(s, got.round_id, got.items[1], "A")
        assert last.complete
        with pytest.raises(QaError, match="final"):
            qa.record_second_grade(s, got.round_id, got.items[0], "A")
        grading.grade(s, [ids[20]], "A")  # the blind lock is lifted
    with sign(case, FIRST) as s, pytest.raises(PermissionDeniedError, match="second grader"):
        qa.blind_worklist(s, got.round_id)
