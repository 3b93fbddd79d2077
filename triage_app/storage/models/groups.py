"""Duplicate groups: which items are copies (or near copies) of which."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from triage_app.storage.models import case
from triage_app.storage.models.base import Base


class ClusterMember(Base):
    """Membership of an item in a duplicate group."""

    __tablename__ = "clusters"
    __table_args__ = (Index("ix_clusters_cluster_id", "cluster_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    representative: Mapped[bool] = mapped_column(Boolean)
    distance: Mapped[int] = mapped_column(Integer)


#: The table this foreign key points at must be mapped too (flush sorts by it).
REFERENCED = (case.Item,)
