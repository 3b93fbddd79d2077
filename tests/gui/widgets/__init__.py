"""Tests of ``triage_app.gui.widgets``."""
