"""Sign-off and the changes after it (``triage_app.supervision.signoff``)."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli
from review_helpers import add_items, exact, set_matches
from supervision_helpers import FIRST, SUPER, cli, draw, second_grade, sign

from triage_app import audit
from triage_app.case.session import CaseSession
from triage_app.reports.export import export_report
from triage_app.review import grading
from triage_app.review.grading import GradingError
from triage_app.storage.case_store import CaseStore
from triage_app.storage.qa_store import QaStore
from triage_app.supervision import signoff


def test_sign_off_records_head_counts_and_qa(qa_case: tuple[Path, list[int]]) -> None:
    case, _ = qa_case
    got = draw(case, counts={"A": 1}, seed=1)
    second_grade(case, got.round_id, {got.items[0]: "B"})
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
                          actor="E", source="/nonexistent/other")  # fmt: skip
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


def test_a_supervisor_cannot_sign_off_what_they_graded(
    qa_case: tuple[Path, list[int]],
) -> None:
    """Separation of duties: grading an item of the exhibit bars its sign-off by that person;
    adjudicating a QA disagreement (the supervisor's own job) does not."""
    case, ids = qa_case
    got = draw(case, counts={"A": 1}, seed=1)
    second_grade(case, got.round_id, {got.items[0]: "B"})
    with sign(case, SUPER) as s:
        from triage_app.supervision import qa

        qa.adjudicate(s, got.round_id, got.items[0], "B", "second look agrees with B")
        signoff.sign_off(s, exhibit="T/1")  # adjudication is not grading
        grading.grade(s, [ids[20]], "C", reason="the supervisor graded one")
        with pytest.raises(signoff.PermissionDeniedError, match="cannot sign off their own"):
            signoff.sign_off(s, exhibit="T/1")
        with pytest.raises(signoff.PermissionDeniedError, match=str(ids[20])):
            signoff.sign_off(s)
