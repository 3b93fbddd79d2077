"""Per-examiner statistics from a real log (``triage_app.supervision.examiner_stats``)."""

from __future__ import annotations

import json

from review_helpers import add_items, exact, near, set_matches
from supervision_helpers import SUPER, cli, sign

from triage_app import audit
from triage_app.review import grading
from triage_app.review.exposure import record_reveal
from triage_app.storage.case_store import CaseStore
from triage_app.storage.review_store import ReviewStore
from triage_app.supervision import audit_view
from triage_app.supervision.audit_view import AuditFilter


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
