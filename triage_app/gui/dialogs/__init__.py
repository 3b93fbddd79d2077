"""Dialogs over the case: sign-in, new case, ingest, hash sets, settings, QA, blind grading."""
