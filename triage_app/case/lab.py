"""Lab mode for the front ends: making a PostgreSQL database ready for cases.

The front ends never reach storage; these are the services ``triage lab``
calls (see :mod:`triage_app.storage.lab_setup` for what each one does).
"""

from __future__ import annotations

from triage_app.storage.lab_setup import APP_ROLE, LabReady, init_lab, setup_sql, upgrade_lab
from triage_app.storage.lab_url import lab_url

__all__ = ["APP_ROLE", "LabReady", "check_url", "init", "print_sql", "upgrade"]


def check_url(url: str) -> str:
    """``url`` checked and normalised (a one-line CaseError if it cannot be used)."""
    return lab_url(url)


def init(
    url: str, app_role: str = APP_ROLE, app_password: str | None = None, *, library: bool = False
) -> LabReady:
    """Schema (a case's, or with ``library`` a lab hash library's), application role and
    grants, made by the owner role ``url`` connects as."""
    return init_lab(url, app_role, app_password, library=library)


def print_sql(url: str, app_role: str = APP_ROLE, *, library: bool = False) -> str:
    """The SQL a DBA runs instead of :func:`init` (nothing is connected)."""
    return setup_sql(url, app_role, library=library)


def upgrade(url: str, app_role: str = APP_ROLE, *, backed_up: bool) -> LabReady:
    """The schema brought up to date by the owner, refused unless backed up."""
    return upgrade_lab(url, app_role, backed_up=backed_up)
