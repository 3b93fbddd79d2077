"""Supervisor review (no Qt): the audit trail's review, blind second grading, sign-off.

- :mod:`~triage_app.supervision.audit_view`: filtering the audit trail
  (``audit_filter``), per-examiner statistics (``examiner_stats``), the log
  read and verified once (``audit_review``), and the filtered log exported as
  CSV, JSON or PDF with the head printed (``audit_export``, ``audit_pdf``);
- :mod:`~triage_app.supervision.qa`: drawing a seeded sample of an examiner's
  manual grades (``qa_sampling``, ``qa_draw``), blind second grading
  (``qa_blind``), agreement and Cohen's kappa (``qa_agreement``, ``qa_report``),
  and adjudication through the normal amendment path (``qa_adjudication``);
- :mod:`~triage_app.supervision.signoff`: signing off an exhibit or the case
  with the audit head, the counts and the QA result.

Every entry point checks the signed-in account's role itself, so the CLI and
the GUI cannot forget to.
"""
