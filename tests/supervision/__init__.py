"""Tests of ``triage_app.supervision`` (a package, so that its conftest does not shadow
``tests/conftest.py``)."""
