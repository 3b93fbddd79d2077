"""GUI tests (pytest-qt, offscreen).

A package, so that its conftest does not shadow ``tests/conftest.py``.
"""
