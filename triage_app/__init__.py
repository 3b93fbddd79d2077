"""Triage workstation: read-only ingest, hash matching and exposure-minimised review."""

__version__ = "0.1.0"
