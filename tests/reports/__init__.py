"""Tests of ``triage_app.reports`` (a package, so that its conftest does not shadow
``tests/conftest.py``)."""
