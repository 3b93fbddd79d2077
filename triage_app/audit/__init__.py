"""The audit trail's hash chain: entry hashes, the actions, and verification.

Pure computation over rows (no database): :mod:`.chain` builds and checks the
chain. The one place entries are appended is
:func:`triage_app.storage.audit_log.append_audit`, inside the writer's own
transaction.
"""
