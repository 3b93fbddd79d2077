"""Tests of triage_app.media (a package, like tests/gui)."""
