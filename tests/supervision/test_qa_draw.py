"""Drawing a sample and drawing it again (``triage_app.supervision.qa_draw``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from supervision_helpers import (
    FIRST,
    FIRST_LABEL,
    PATTERN,
    SECOND,
    SUPER,
    cli,
    documented_rule,
    draw,
    sign,
)

from triage_app import audit
from triage_app.domain.errors import PermissionDeniedError
from triage_app.review import grading
from triage_app.storage.qa_store import QaStore
from triage_app.supervision import audit_view, qa
from triage_app.supervision.qa import QaError


def test_a_drawn_sample_is_recorded_and_reproduced(qa_case: tuple[Path, list[int]]) -> None:
    case, ids = qa_case
    got = draw(case, counts={"a": 2, "B": 2, "C": 1}, seed=2026)
    assert got.method == qa.PER_CATEGORY and got.parameters == {"counts": {"A": 2, "B": 2, "C": 1}}
    assert got.population == 18 and got.drawn_per_category == {"A": 2, "B": 2, "C": 1}
    population = [(i, c) for i, c in zip(ids, PATTERN, strict=False)]
    assert list(got.items) == documented_rule(population, 2026, {"A": 2, "B": 2, "C": 1})
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
