"""Tests of triage_app.matching (a package, so that helper modules import as matching.*)."""
