"""Exceptions that carry a message meant for the user.

The CLI prints these without a traceback and exits non-zero; anything else
escaping a command is a bug.
"""


class TriageError(Exception):
    """An error the user can act on; ``str(err)`` is the message to show."""

    exit_code = 2


class CaseError(TriageError):
    """The case folder is missing, malformed or not usable."""


class SchemaTooNewError(CaseError):
    """The database was written by a newer version of the program."""


class CaseLockedError(TriageError):
    """Another process holds the case's writer lock."""

    exit_code = 3


class IngestError(TriageError):
    """The ingest could not start or continue."""
