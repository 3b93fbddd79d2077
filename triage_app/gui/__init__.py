"""The Qt desktop application (``triage-app``): the only package that reaches Qt (via ``qt``)."""
