"""Every table of the case database (for Alembic's metadata and the schema tests)."""

from triage_app.storage.models import accounts, annotations, case, groups, review, supervision
from triage_app.storage.models.base import NAMING, Base

__all__ = ["NAMING", "Base", "accounts", "annotations", "case", "groups", "review", "supervision"]
