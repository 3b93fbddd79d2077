"""Tests of ``triage_app.gui.window``."""
