"""Time bounds and account matching (``triage_app.supervision.audit_filter``)."""

from __future__ import annotations

import pytest

from triage_app.supervision import audit_filter


def test_time_bounds_and_account_matching() -> None:
    assert audit_filter.parse_time("2026-03-01") == "2026-03-01T00:00:00.000000Z"
    assert audit_filter.parse_time("2026-03-01", end=True) == "2026-03-02T00:00:00.000000Z"
    assert audit_filter.parse_time("2026-03-01T10:00Z", end=True) == "2026-03-01T10:00:00.000001Z"
    assert audit_filter.parse_time("2026-03-01T12:00+02:00") == "2026-03-01T10:00:00.000000Z"
    with pytest.raises(audit_filter.AuditViewError, match="not a date"):
        audit_filter.parse_time("yesterday")
    for wanted in ("Alice First", "alice first", "AF1", "Alice First (AF1)"):
        assert audit_filter.user_matches("Alice First (AF1)", wanted)
    assert not audit_filter.user_matches("Alice First (AF1)", "Alice")
    assert not audit_filter.user_matches("Alice Firstborn", "Alice First")
