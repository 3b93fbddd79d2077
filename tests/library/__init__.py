"""Tests of triage_app.library (a package, like tests/gui)."""
