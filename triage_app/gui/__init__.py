"""The Qt desktop application. The only package allowed to import PySide6."""
