"""Duplicate groups: which items are copies or near copies of which."""

from __future__ import annotations

from sqlalchemy import delete, select

from triage_app.storage.case_bound import CaseBound
from triage_app.storage.models.groups import ClusterMember


class GroupStore(CaseBound):
    """The duplicate groups of one open case."""

    def replace_clusters(self, members: list[tuple[int, int, str, bool, int]]) -> None:
        """Store the duplicate groups: (item, group, kind, representative, distance)."""
        with self.store.write_session() as session:
            session.execute(delete(ClusterMember))
            session.add_all(
                ClusterMember(item_id=i, cluster_id=c, kind=k, representative=r, distance=d)
                for i, c, k, r, d in members
            )

    def clusters(self) -> dict[int, tuple[int, str, bool, int]]:
        """item -> (group, kind, representative, distance)."""
        with self.store.read_session() as session:
            return {
                m.item_id: (m.cluster_id, m.kind, m.representative, m.distance)
                for m in session.scalars(select(ClusterMember))
            }

    def cluster_members(self, cluster_id: int) -> list[int]:
        """Items in a group."""
        return self.store.read_all(
            select(ClusterMember.item_id)
            .where(ClusterMember.cluster_id == cluster_id)
            .order_by(ClusterMember.item_id)
        )
