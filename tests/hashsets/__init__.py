"""Tests of triage_app.hashsets (a package, like tests/gui)."""
