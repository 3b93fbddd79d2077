"""The declarative base shared by every table of the case database, and a column mixin."""

from __future__ import annotations

from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a deterministic constraint naming scheme."""

    metadata = MetaData(naming_convention=NAMING)


class WrittenBy:
    """Mixin: the account that wrote the row (``user_id``) and when (``time_utc``, UTC)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    time_utc: Mapped[str] = mapped_column(String(40))
