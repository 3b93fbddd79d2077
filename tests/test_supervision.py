"""Supervisor review: audit filters and statistics, blind second grading, kappa, sign-off."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import fields
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_PASSWORD, run_cli
from review_helpers import add_items, exact, near, set_matches
from sqlalchemy import Engine, event

from triage_app import audit
from triage_app.audit.chain import verify_rows
from triage_app.case.session import CaseSession
from triage_app.domain.errors import PermissionDeniedError
from triage_app.reports.export import export_report
from triage_app.review import grading
from triage_app.review.exposure import record_reveal
from triage_app.review.grading import GradingError
from triage_app.storage.case_store import CaseStore
from triage_app.storage.qa_store import QaStore
from triage_app.storage.review_store import ReviewStore
from triage_app.supervision import audit_view, qa, signoff
from triage_app.supervision.audit_view import AuditFilter
from triage_app.supervision.qa import QaError

FIRST = "Alice First"  # the examiner whose grades are sampled (ID AF1)
SECOND = "Bob Second"  # the blind second grader (ID BS2)
SUPER = "Sam Super"  # the supervisor (ID SS3)
FIRST_LABEL, SECOND_LABEL = "Alice First (AF1)", "Bob Second (BS2)"
#: First grades of the graded items, in item order (the last 6 items stay ungraded).
PATTERN = "ABCABCABCABCABCABC"


@pytest.fixture
def qa_case(store: CaseStore, test_password_hash: str) -> tuple[Path, list[int]]:
    """24 items; Alice has graded the first 18 by hand (A, B, C, ...); Bob and Sam exist."""
    ids = add_items(store, 24)
    review = ReviewStore(store)
    for name, badge, role in ((FIRST, "AF1", "examiner"), (SECOND, "BS2", "examiner"),
                              (SUPER, "SS3", "supervisor")):  # fmt: skip
        review.add_account(name=name, badge=badge, role=role, password_hash=test_password_hash,
                           actor="E")  # fmt: skip
    store.close()
    with sign(store.case_dir, FIRST) as s:
        for item, cat in zip(ids, PATTERN, strict=False):
            grading.grade(s, [item], cat)
    return store.case_dir, ids


def sign(case: Path, who: str) -> CaseSession:
    return CaseSession.sign_in(case, who, TEST_PASSWORD)


def cli(*args: object, user: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_cli(*map(str, args), "--user", user, check=check)


def draw(case: Path, **kw: Any) -> qa.SampleDraw:
    with sign(case, SUPER) as s:
        return qa.draw_sample(s, examiner=FIRST, second_grader=SECOND, **kw)


# -- Cohen's kappa ------------------------------------------------------------------------------


def test_kappa_against_a_hand_worked_example() -> None:
    """Ten items, three categories. First grader down, second grader across:

    ============  ===  ===  ===  =====
    first \\ 2nd    A    B    C   total
    ============  ===  ===  ===  =====
    A               3    1    0      4
    B               0    2    1      3
    C               0    0    3      3
    total           3    3    4     10
    ============  ===  ===  ===  =====

    p_o = (3 + 2 + 3) / 10 = 8/10
    p_e = (4*3 + 3*3 + 3*4) / 10^2 = (12 + 9 + 12) / 100 = 33/100
    kappa = (p_o - p_e) / (1 - p_e) = (80/100 - 33/100) / (67/100) = 47/67 = 0.70149...

    Per category (share of the first grader's items the second confirmed):
    A 3/4, B 2/3, C 3/3; specific agreement 2*agreed/(first+second):
    A 6/7, B 4/6, C 6/7.
    """
    pairs = ([("A", "A")] * 3 + [("A", "B")] + [("B", "B")] * 2 + [("B", "C")]
             + [("C", "C")] * 3)  # fmt: skip
    result = qa.agreement(pairs, ["A", "B", "C", "U"])
    assert result.n == 10 and result.agreed == 8
    assert result.observed == Fraction(8, 10)
    assert result.expected == Fraction(33, 100)
    assert result.kappa == Fraction(47, 67)
    assert qa.cohen_kappa(pairs) == Fraction(47, 67)
    assert round(float(result.kappa), 5) == 0.70149
    rows = {c.category: c for c in result.per_category}
    assert [rows[c].agreement for c in "ABC"] == [3 / 4, 2 / 3, 1.0]
    assert [rows[c].specific for c in "ABC"] == [6 / 7, 4 / 6, 6 / 7]
    assert (rows["U"].first, rows["U"].agreement) == (0, None)
    assert result.matrix[("A", "B")] == 1 and result.matrix[("B", "C")] == 1
    assert result.as_dict()["kappa"] == round(47 / 67, 6)


def test_kappa_edge_cases() -> None:
    assert qa.cohen_kappa([("A", "A"), ("B", "B"), ("C", "C")]) == 1
    # Both graders put everything in one category: chance agreement is 1, kappa undefined.
    assert qa.cohen_kappa([("A", "A")] * 5) is None
    assert qa.cohen_kappa([]) is None
    # Systematic disagreement is worse than chance.
    kappa = qa.cohen_kappa([("A", "B"), ("B", "A")] * 3)
    assert kappa is not None and kappa < 0
    # Swapping the graders does not change kappa.
    pairs = [("A", "A"), ("A", "B"), ("B", "B"), ("C", "B"), ("C", "C"), ("A", "C")]
    assert qa.cohen_kappa(pairs) == qa.cohen_kappa([(b, a) for a, b in pairs])


# -- sampling ---------------------------------------------------------------------------------


def _documented_rule(
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


def test_sampling_is_reproducible_from_the_seed() -> None:
    population = [(i, "ABC"[i % 3]) for i in range(1, 61)]
    one = qa.select_sample(population, method=qa.PERCENT, seed=99, percent="10")
    assert len(one) == 6  # 10% of 60
    assert one == qa.select_sample(list(reversed(population)), method=qa.PERCENT, seed=99,
                                   percent="10")  # fmt: skip
    assert one != qa.select_sample(population, method=qa.PERCENT, seed=100, percent="10")
    assert len(qa.select_sample(population, method=qa.PERCENT, seed=1, percent="0.5")) == 1
    counts = {"A": 4, "C": 5}
    strat = qa.select_sample(population, method=qa.PER_CATEGORY, seed=5, counts=counts)
    assert strat == _documented_rule(population, 5, counts)
    assert sorted(dict(population)[i] for i in strat) == ["A"] * 4 + ["C"] * 5
    # The blind order does not group the sample by its first grades.
    assert [dict(population)[i] for i in strat] != sorted(dict(population)[i] for i in strat)
    with pytest.raises(QaError, match="percentage"):
        qa.select_sample(population, method=qa.PERCENT, seed=1, percent="0")


def test_a_drawn_sample_is_recorded_and_reproduced(qa_case: tuple[Path, list[int]]) -> None:
    case, ids = qa_case
    got = draw(case, counts={"a": 2, "B": 2, "C": 1}, seed=2026)
    assert got.method == qa.PER_CATEGORY and got.parameters == {"counts": {"A": 2, "B": 2, "C": 1}}
    assert got.population == 18 and got.drawn_per_category == {"A": 2, "B": 2, "C": 1}
    population = [(i, c) for i, c in zip(ids, PATTERN, strict=False)]
    assert list(got.items) == _documented_rule(population, 2026, {"A": 2, "B": 2, "C": 1})
    assert got.population_sha256 == qa.population_digest(population)
    # Later grading does not move the population: it is read as of the recorded head.
    with sign(case, FIRST) as s:
        grading.grade(s, [ids[0]], "C", reason="second look")
        grading.grade(s, [ids[20]], "A")
    with sign(case, SUPER) as s:
        check = qa.verify_sample(s, got.round_id)
        entry = next(r for r in s.review.audit_rows() if r.action == audit.QA_SAMPLE)
    assert check.ok, check.problems
    assert json.loads(entry.payload)["seed"] == 2026
    assert json.loads(entry.payload)["items"] == list(got.items)
    out = cli("qa", "verify", case, "--round", got.round_id, user=SUPER)
    assert "reproduced from seed 2026" in out.stdout


def test_sampling_rules(qa_case: tuple[Path, list[int]], test_password_hash: str) -> None:
    case, _ = qa_case
    with sign(case, SUPER) as s:
        # Accounts are named by name, ID or label; a supervisor may grade blind too, but is
        # then refused the audit review (it shows grades) until the sample is complete.
        s.review.add_account(name="Sue Two", badge="ST4", role="supervisor",
                             password_hash=test_password_hash, actor=s.actor)  # fmt: skip
        drawn = qa.draw_sample(s, examiner=FIRST_LABEL, second_grader="st4", percent=5)
    assert drawn.second_grader == "Sue Two (ST4)" and len(drawn.items) == 1
    with sign(case, "Sue Two") as s:
        with pytest.raises(PermissionDeniedError, match="blind"):
            audit_view.load_review(s)
        with pytest.raises(PermissionDeniedError, match="blind"):
            qa.qa_report(s, drawn.round_id)
        qa.record_second_grade(s, drawn.round_id, drawn.items[0], "A")
        assert audit_view.load_review(s).verdict.ok
    with sign(case, SUPER) as s:
        with pytest.raises(QaError, match="someone other"):
            qa.draw_sample(s, examiner=FIRST, second_grader=FIRST, percent=10)
        with pytest.raises(QaError, match="cannot grade it blind"):
            qa.draw_sample(s, examiner=FIRST, second_grader=SUPER, percent=10)
        with pytest.raises(QaError, match="no manual grades"):
            qa.draw_sample(s, examiner=SECOND, second_grader=FIRST, percent=10)
        with pytest.raises(QaError, match="either a percentage or a count"):
            qa.draw_sample(s, examiner=FIRST, second_grader=SECOND)
        with pytest.raises(QaError, match="not a category"):
            qa.draw_sample(s, examiner=FIRST, second_grader=SECOND, counts={"Z": 1})
        with pytest.raises(QaError, match="no account"):
            qa.draw_sample(s, examiner="Alice", second_grader=SECOND, percent=10)
        assert [r.id for r in QaStore(s.store).rounds()] == [drawn.round_id]


# -- blindness --------------------------------------------------------------------------------


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


# -- adjudication -----------------------------------------------------------------------------


def _second_grade(case: Path, round_id: int, answers: dict[int, str]) -> None:
    with sign(case, SECOND) as s:
        for item, cat in answers.items():
            qa.record_second_grade(s, round_id, item, cat)


def test_report_and_adjudication_flow(qa_case: tuple[Path, list[int]]) -> None:
    case, ids = qa_case
    first = dict(zip(ids, PATTERN, strict=False))
    got = draw(case, counts={"A": 2, "B": 2, "C": 2}, seed=11)
    a1, a2 = [i for i in got.items if first[i] == "A"]
    b1, b2 = [i for i in got.items if first[i] == "B"]
    c1, c2 = [i for i in got.items if first[i] == "C"]
    with sign(case, SUPER) as s, pytest.raises(QaError, match="not complete"):
        qa.adjudicate(s, got.round_id, a1, "A", "too early")
    # Second grader: agrees on a1, b1, c1, c2; says B for a2 and A for b2.
    _second_grade(case, got.round_id, {a1: "A", a2: "B", b1: "B", b2: "A", c1: "C", c2: "C"})
    with sign(case, SUPER) as s:
        report = qa.qa_report(s, got.round_id)
    # Pairs: (A,A) (A,B) (B,B) (B,A) (C,C) (C,C): p_o = 4/6; first and second both have
    # A 2, B 2, C 2, so p_e = 3 * (2/6)^2 = 1/3 and kappa = (2/3 - 1/3) / (2/3) = 1/2.
    assert report.agreement.kappa == Fraction(1, 2)
    per = {c.category: c for c in report.agreement.per_category}
    assert (per["A"].agreed, per["B"].agreed, per["C"].agreed) == (1, 1, 2)
    assert {d.item_id for d in report.disagreements} == {a2, b2}
    assert report.open_disagreements == 2 and report.complete

    examiner_try = cli("qa", "adjudicate", case, "--round", got.round_id, "--item", a2,
                       "--category", "B", "--reason", "x", user="E", check=False)  # fmt: skip
    assert examiner_try.returncode == 5
    with sign(case, SUPER) as s:
        with pytest.raises(QaError, match="needs a reason"):
            qa.adjudicate(s, got.round_id, a2, "B", "  ")
        with pytest.raises(QaError, match="not a disagreement"):
            qa.adjudicate(s, got.round_id, a1, "B", "no")
        # The second grader was right about a2: the grade is amended, with the reason.
        done = qa.adjudicate(s, got.round_id, a2, "B", "no penetration visible")
        assert done.grade_changed and done.grade_audit_seq is not None
        history = s.review.history(a2)
        assert [(h["old_category"], h["new_category"]) for h in history] == [
            (None, "A"),
            ("A", "B"),
        ]
        assert history[-1]["reason"] == f"QA round {got.round_id} adjudication: no penetration " \
            "visible"  # fmt: skip
        assert history[-1]["user"] == "Sam Super (SS3)"
        with pytest.raises(QaError, match="already adjudicated"):
            qa.adjudicate(s, got.round_id, a2, "A", "changed my mind")
    # The first grade stands for b2: recorded, no grade change.
    out = cli("qa", "adjudicate", case, "--round", got.round_id, "--item", b2, "--category",
              "B", "--reason", "activity is non-penetrative", user=SUPER).stdout  # fmt: skip
    assert "already was this" in out
    report_json = json.loads(cli("qa", "report", case, "--round", got.round_id, "--json",
                                 user=SUPER).stdout)  # fmt: skip
    assert report_json["open_disagreements"] == 0
    assert report_json["agreement"]["kappa"] == 0.5
    finals = {d["item"]: (d["final"], d["current"]["category"]) for d in
              report_json["disagreements"]}  # fmt: skip
    assert finals == {a2: ("B", "B"), b2: ("B", "B")}
    with sign(case, SUPER) as s:
        rows = list(s.review.audit_rows())
        assert len(s.review.history(b2)) == 1
    assert verify_rows(rows).ok
    adjudicated = [json.loads(r.payload) for r in rows if r.action == audit.QA_ADJUDICATED]
    assert [(p["first"], p["second"], p["final"], p["grade_changed"]) for p in adjudicated] == [
        ("A", "B", "B", True),
        ("B", "A", "B", False),
    ]
    amended = next(r for r in rows if r.action == audit.GRADE_AMENDED)
    assert amended.user == "Sam Super (SS3)" and amended.object == f"item {a2}"


# -- sign-off ---------------------------------------------------------------------------------


def test_sign_off_records_head_counts_and_qa(qa_case: tuple[Path, list[int]]) -> None:
    case, _ = qa_case
    got = draw(case, counts={"A": 1}, seed=1)
    _second_grade(case, got.round_id, {got.items[0]: "B"})
    with sign(case, SUPER) as s:
        before = s.review.audit_head()
        result = signoff.sign_off(s, exhibit="T/1", note="checked the sample")
        row = result.sign_off
        rows = list(s.review.audit_rows())
    assert (row.head_seq, row.head_hash) == before
    assert row.audit_seq == before[0] + 1
    entry = next(r for r in rows if r.seq == row.audit_seq)
    assert entry.action == audit.SIGN_OFF and entry.object == "exhibit T/1"
    payload = json.loads(entry.payload)
    assert (payload["head_seq"], payload["head_hash"]) == before
    counts = row.counts["T/1"]
    assert counts["found"] == 24 and counts["graded"] == 18 and counts["open"] == 6
    assert counts["by_category"] == {"A": 6, "B": 6, "C": 6}
    assert counts["by_source"]["manual"] == 18
    # One pair (A, B): p_o = 0, p_e = 1*0 + 0*1 = 0, so kappa = 0.
    assert row.qa["rounds"][0]["kappa"] == 0.0 and row.qa["open_disagreements"] == 1
    assert any("not adjudicated" in w for w in result.warnings)
    assert any("6 media items are not graded" in w for w in result.warnings)
    # The recorded head checks against the log later, as the report's does.
    run_cli("audit", "verify", case, "--expect-head", f"{row.head_seq}:{row.head_hash}")
    # Sign-offs are append-only.
    with sqlite3.connect(case / "case.db") as con, pytest.raises(sqlite3.IntegrityError):
        con.execute("UPDATE sign_offs SET head_seq = 1")
    listed = json.loads(cli("signoff", case, "--list", "--json", user="E").stdout)
    assert listed[0]["head"] == {"seq": before[0], "hash": before[1]}


def test_a_change_after_sign_off_needs_a_reason_and_is_reported(
    qa_case: tuple[Path, list[int]], tmp_path: Path
) -> None:
    case, ids = qa_case
    out = cli("signoff", case, "--exhibit", "T/1", user=SUPER).stdout
    assert re.search(r"head \d+ [0-9a-f]{64}", out)
    graded, fresh = ids[0], ids[20]
    with sign(case, FIRST) as s:
        # Even a first grade needs a reason now; an amendment too.
        with pytest.raises(GradingError, match="after sign-off needs a reason"):
            grading.grade(s, [fresh], "B")
        with pytest.raises(GradingError, match="needs a reason"):
            grading.grade(s, [graded], "C")
        assert s.review.grades([fresh]) == {}
        grading.grade(s, [fresh], "B", reason="found on a second pass")
        grading.grade(s, [graded], "C", reason="looked again")
        # A hash list does not grade a signed-off exhibit; it is reported instead.
        set_matches(s, [exact(ids[21], "A")])
        outcome = grading.apply_list_grades(s)
        assert outcome.graded == [] and "signed off" in outcome.conflicts[0]
        rows = list(s.review.audit_rows())
    marked = [json.loads(r.payload) for r in rows if r.action in (audit.GRADE,
              audit.GRADE_AMENDED) and "changed_after_sign_off" in r.payload]  # fmt: skip
    assert [(p["after"]["category"], p["reason"]) for p in marked] == [
        ("B", "found on a second pass"),
        ("C", "looked again"),
    ]
    with sign(case, SUPER) as s:
        changes = signoff.changes_after_sign_off(s)
        assert [(c.item_id, c.old_category, c.new_category) for c in changes] == [
            (fresh, None, "B"),
            (graded, "A", "C"),
        ]
        export_report(s, "csv", tmp_path / "report.csv")
        export_report(s, "html", tmp_path / "report.html")
    with open(tmp_path / "report.csv", newline="", encoding="utf-8") as handle:
        table = [r for r in csv.reader(handle) if r]
    item_header = next(r for r in table if r[:3] == ["section", "exhibit", "item_id"])
    flagged = {
        int(r[2])
        for r in table
        if r[0] == "item"
        and dict(zip(item_header, r, strict=True))["changed_after_sign_off"] == "true"
    }
    assert flagged == {fresh, graded}
    after = [r for r in table if r[0] == "after_sign_off"]
    assert [(int(r[1]), r[5], r[9]) for r in after] == [
        (fresh, "B", "found on a second pass"),
        (graded, "C", "looked again"),
    ]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Changes after sign-off" in html
    assert html.count("changed after sign-off</span>") == 2
    # A new sign-off covers what came before; later changes are flagged against it.
    with sign(case, SUPER) as s:
        second = signoff.sign_off(s, exhibit="T/1").sign_off
    with sign(case, FIRST) as s:
        grading.grade(s, [ids[22]], "A", reason="late find")
    with sign(case, SUPER) as s:
        latest = signoff.changes_after_sign_off(s)[-1]
    assert (latest.item_id, latest.sign_off_id) == (ids[22], second.id)


def test_a_case_sign_off_covers_every_exhibit(store: CaseStore) -> None:
    ids = add_items(store, 2)
    other = store.exhibit_for_ingest("T/2", b"/nonexistent/other")
    run = store.start_run(other, workers=1, versions={"pillow": "t", "imagehash": "t"},
                          actor="E", source="/y")  # fmt: skip
    store.close()
    with sign(store.case_dir, "E") as s:
        s.review.add_account(name=SUPER, badge="SS3", role="supervisor",
                             password_hash=_hash(s, "E"), actor="E")  # fmt: skip
    with sign(store.case_dir, SUPER) as s:
        signoff.sign_off(s, exhibit="T/1")
    with sign(store.case_dir, "E") as s:
        qa_store = QaStore(s.store)
        assert set(qa_store.covering_sign_offs(ids)) == set(ids)
    with sign(store.case_dir, SUPER) as s:
        result = signoff.sign_off(s)
        assert set(result.sign_off.counts) == {"T/1", "T/2"}
        assert result.sign_off.object == "case"
    assert run


def _hash(session: CaseSession, login: str) -> str:
    found = session.review.find_account(login)
    assert found is not None
    return found[1]


# -- role checks ------------------------------------------------------------------------------


def test_examiners_are_refused_the_supervisor_functions(qa_case: tuple[Path, list[int]]) -> None:
    case, _ = qa_case
    with sign(case, FIRST) as s:
        for call in (
            lambda: audit_view.load_review(s),
            lambda: audit_view.export_filtered(s, AuditFilter(), "csv", case.parent / "x.csv"),
            lambda: qa.draw_sample(s, examiner=FIRST, second_grader=SECOND, percent=10),
            lambda: qa.list_rounds(s),
            lambda: signoff.sign_off(s, exhibit="T/1"),
        ):
            with pytest.raises(PermissionDeniedError, match="needs a supervisor account"):
                call()
    out = case.parent / "review.pdf"
    for args in (("stats", case, "--json"), ("audit", "list", case),
                 ("audit", "export", case, "--out", out, "--format", "pdf"),
                 ("audit", "export", case, "--out", out, "--examiner", FIRST),
                 ("qa", "sample", case, "--examiner", FIRST, "--second-grader", SECOND,
                  "--percent", "10"),
                 ("signoff", case, "--case")):  # fmt: skip
        result = cli(*args, user="E", check=False)
        assert result.returncode == 5, (args, result.stdout, result.stderr)
        assert "needs a supervisor account" in result.stderr
    assert not out.exists()
    with sign(case, SUPER) as s:
        assert signoff.sign_offs(s) == [] and QaStore(s.store).rounds() == []


# -- audit review: filters, statistics, exports -------------------------------------------------


def test_time_bounds_and_account_matching() -> None:
    assert audit_view.parse_time("2026-03-01") == "2026-03-01T00:00:00.000000Z"
    assert audit_view.parse_time("2026-03-01", end=True) == "2026-03-02T00:00:00.000000Z"
    assert audit_view.parse_time("2026-03-01T10:00Z", end=True) == "2026-03-01T10:00:00.000001Z"
    assert audit_view.parse_time("2026-03-01T12:00+02:00") == "2026-03-01T10:00:00.000000Z"
    with pytest.raises(audit_view.AuditViewError, match="not a date"):
        audit_view.parse_time("yesterday")
    for wanted in ("Alice First", "alice first", "AF1", "Alice First (AF1)"):
        assert audit_view.user_matches("Alice First (AF1)", wanted)
    assert not audit_view.user_matches("Alice First (AF1)", "Alice")
    assert not audit_view.user_matches("Alice Firstborn", "Alice First")


def test_filters_and_stats_from_a_real_log(store: CaseStore, test_password_hash: str) -> None:
    ids = add_items(store, 8)
    review = ReviewStore(store)
    review.add_account(name=SUPER, badge="SS3", role="supervisor",
                       password_hash=test_password_hash, actor="E")  # fmt: skip
    review.replace_clusters([(ids[5], ids[5], "exact", True, 0), (ids[6], ids[5], "exact",
                              False, 0)])  # fmt: skip
    store.close()
    with sign(store.case_dir, "E") as s:
        set_matches(s, [exact(ids[0], "A"), near(ids[1], "B")])
        grading.apply_list_grades(s)  # hash list: ids[0]
        grading.confirm(s, [ids[1]])  # confirmed suggestion: ids[1]
        grading.grade(s, [ids[2], ids[3]], "C")  # manual
        grading.grade(s, [ids[2]], "B", reason="closer look")  # amended
        grading.grade(s, [ids[5]], "A", propagate=True)  # manual + propagated to ids[6]
        record_reveal(s, ids[2], 2.5)
        record_reveal(s, ids[3], 1.25)
    with sign(store.case_dir, SUPER) as s:
        loaded = audit_view.load_review(s)
    assert loaded.verdict.ok
    mine = next(x for x in loaded.stats() if x.account == "E").as_dict()
    assert mine["items_graded"] == 6
    assert mine["items_graded_by_source"] == {
        "manual": 3, "confirmed suggestion": 1, "hash list": 1, "propagated": 1,
    }  # fmt: skip
    assert mine["grades_amended"] == 1
    assert (mine["reveals"], mine["reveal_seconds"]) == (2, 3.75)
    assert sum(r["graded"] for r in mine["grading_rate"]) == 7
    assert sum(r["by_hand"] for r in mine["grading_rate"]) == 5
    assert mine["grades_held_by_source"]["propagated"] == 1

    only = loaded.filtered(AuditFilter.from_text(examiner="e", actions=[audit.GRADE_AMENDED]))
    assert [json.loads(r.payload)["reason"] for r in only] == ["closer look"]
    about = loaded.filtered(AuditFilter(item=ids[2]))
    assert {r.action for r in about} == {audit.GRADE, audit.GRADE_AMENDED, audit.REVEAL}
    today = loaded.rows[-1].time_utc[:10]
    assert len(loaded.filtered(AuditFilter.from_text(since=today, until=today))) == len(loaded.rows)
    assert loaded.filtered(AuditFilter.from_text(until="2000-01-01")) == []
    # The CLI gives the same numbers.
    data = json.loads(cli("stats", store.case_dir, "--json", "--examiner", "E", user=SUPER).stdout)
    assert [x["account"] for x in data["examiners"]] == ["E"]
    assert data["examiners"][0]["items_graded_by_source"] == mine["items_graded_by_source"]
    assert data["chain_ok"] is True


def test_audit_list_names_the_first_bad_entry(qa_case: tuple[Path, list[int]]) -> None:
    case, _ = qa_case
    listed = json.loads(cli("audit", "list", case, "--json", "--action", "grade",
                            "--examiner", "AF1", user=SUPER).stdout)  # fmt: skip
    assert listed["chain"]["ok"] and len(listed["entries"]) == 18
    assert {(e["user"], e["action"]) for e in listed["entries"]} == {(FIRST_LABEL, "grade")}
    with sqlite3.connect(case / "case.db", isolation_level=None) as con:
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("UPDATE audit_log SET payload = '{}' WHERE seq = 12")
    broken = cli("audit", "list", case, "--since", "2000-01-01", user=SUPER, check=False)
    assert broken.returncode == 1
    assert broken.stdout.startswith("AUDIT TRAIL BROKEN at entry 12:")


def test_filtered_exports_print_the_head(qa_case: tuple[Path, list[int]], tmp_path: Path) -> None:
    case, ids = qa_case
    out_csv, out_pdf = tmp_path / "review.csv", tmp_path / "review.pdf"
    result = cli("audit", "export", case, "--out", out_csv, "--examiner", FIRST, "--item", ids[0],
                 user=SUPER).stdout  # fmt: skip
    head = re.search(r"head (\d+) ([0-9a-f]{64})", result)
    assert head
    with open(out_csv, newline="", encoding="utf-8") as handle:
        table = [r for r in csv.reader(handle) if r]
    facts = {r[1]: r[2] for r in table if r[0] == "export"}
    assert (facts["head_seq"], facts["head_hash"]) == (head.group(1), head.group(2))
    assert facts["chain"] == "intact" and facts["filter"] == f"account {FIRST}; item {ids[0]}"
    entries = [r for r in table if r[0] == "entry"]
    assert [(r[3], r[4], r[5]) for r in entries] == [(FIRST_LABEL, "grade", f"item {ids[0]}")]
    with sign(case, SUPER) as s:
        rows = list(s.review.audit_rows())
    assert rows[int(facts["head_seq"]) - 1].hash == facts["head_hash"]
    logged = next(r for r in reversed(rows) if r.action == audit.EXPORT)
    payload = json.loads(logged.payload)
    assert payload["sha256"] == hashlib.sha256(out_csv.read_bytes()).hexdigest()
    assert payload["filter"]["item"] == ids[0] and payload["head_seq"] == int(head.group(1))

    pdf = cli("audit", "export", case, "--out", out_pdf, "--format", "pdf", "--action",
              "grade", user=SUPER).stdout  # fmt: skip
    pdf_head = re.search(r"head (\d+) ([0-9a-f]{64})", pdf)
    assert pdf_head and out_pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out_pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Audit trail review" in text and "intact" in text
    assert f"Audit trail head {pdf_head.group(1)}:{pdf_head.group(2)}" in text
    assert "Entries (18)" in text
