"""Synthetic data (images, seized folders, hash lists) and the ``triage demo`` case."""
