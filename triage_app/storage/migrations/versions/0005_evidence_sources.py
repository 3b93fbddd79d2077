"""evidence sources: disk images and archives, deleted files, image verification

Items gain whether the file system marks them deleted, the chain of containers
from the exhibit to the file (``card.E01 > partition 1 (FAT32)``) and the file
system address (inode or MFT number). Exhibits gain the kind of their source
(NULL for the folders of earlier versions) and, as JSON, what reading it
established (segments, stored and computed media hashes, unreadable ranges).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 17:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("deleted", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("container", sa.Text(), nullable=True))
        batch.add_column(sa.Column("fs_address", sa.String(length=40), nullable=True))
    with op.batch_alter_table("exhibits") as batch:
        batch.add_column(sa.Column("source_kind", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("source_facts", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exhibits") as batch:
        batch.drop_column("source_facts")
        batch.drop_column("source_kind")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("fs_address")
        batch.drop_column("container")
        batch.drop_column("deleted")
