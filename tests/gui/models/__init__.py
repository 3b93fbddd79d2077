"""Tests of ``triage_app.gui.models``."""
