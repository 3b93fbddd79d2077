"""Tests of ``triage_app.gui.dialogs``."""
