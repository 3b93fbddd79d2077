"""Supervisor review (no Qt): the audit trail's review, blind second grading, sign-off.

- :mod:`~triage_app.supervision.audit_view`: filtering the audit trail,
  per-examiner statistics, and the filtered log exported as CSV, JSON or PDF
  with the head printed;
- :mod:`~triage_app.supervision.qa`: drawing a seeded sample of an examiner's
  manual grades, blind second grading, agreement and Cohen's kappa, and
  adjudication through the normal amendment path;
- :mod:`~triage_app.supervision.signoff`: signing off an exhibit or the case
  with the audit head, the counts and the QA result.

Every entry point checks the signed-in account's role itself, so the CLI and
the GUI cannot forget to.
"""
