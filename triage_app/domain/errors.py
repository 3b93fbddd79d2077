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


class SignInError(TriageError):
    """The account does not exist, is disabled, or the password is wrong."""

    exit_code = 4


class PermissionDeniedError(TriageError):
    """The signed-in account's role (or a blind QA round) does not allow this."""

    exit_code = 5


class ReasonRequiredError(TriageError):
    """A change was refused only because it needs a reason; give one and retry."""


class ExportError(TriageError):
    """A file could not be written out; nothing was left behind."""
