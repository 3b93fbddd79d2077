"""The detail pane's facts about an item: metadata, hashes, match, grade and its history."""

from __future__ import annotations

from review_helpers import exact, near, set_matches

from triage_app.case.session import CaseSession
from triage_app.review import details, grading
from triage_app.review.gallery_rows import load_rows


def test_details_show_metadata_hashes_match_grade_and_history(session: CaseSession) -> None:
    a, b, *_ = sorted(r.id for r in session.store.iter_items())
    set_matches(session, [near(a, "B", 5), exact(b, "C")])
    grading.grade(session, [a], "C")
    grading.grade(session, [a], "A", reason="seen on reveal")
    found = details.load_details(session, a)
    assert found is not None and found.grade is not None and len(found.history) == 2
    row = next(r for r in load_rows(session) if r.item_id == a)
    sections = dict(details.detail_sections(found, row, session.scheme))
    flat = {k: v for rows in sections.values() for k, v in rows}
    assert flat["MD5"] == found.item.record.md5 and flat["SHA256"] == found.item.record.sha256
    assert flat["PDQ"] == found.item.record.pdq and len(flat["PDQ"]) == 64
    assert flat["PDQ quality"] == "90"
    assert flat["Kind"].startswith("near") and flat["Distance"] == "5"
    assert flat["Hash set"] == "list" and flat["Matched entry"].startswith("line")
    assert flat["Grade"] == "A (Category A)" and flat["Reason"] == "seen on reveal"
    history = sections["Grade history"]
    assert "C (manual) -> A (manual)" in history[1][1] and "seen on reveal" in history[1][1]
    assert details.load_details(session, 99999) is None
    nothing = details.load_details(session, b)
    assert nothing is not None
    b_sections = dict(details.detail_sections(nothing, None, session.scheme))
    assert ("Grade", "not graded") in b_sections["Grade"]
