"""Widgets: the gallery and its detail pane, the reveal overlay, the supervisor view, helpers."""
