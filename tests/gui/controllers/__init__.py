"""Tests of ``triage_app.gui.controllers``."""
