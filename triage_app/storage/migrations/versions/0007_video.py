"""video: per-item video facts and sampled frame hashes

Items gain video facts (``duration_s``, ``fps``, ``codec``, ``frames_sampled``);
``video_frames`` holds each sampled frame's time, pHash, dHash and PDQ.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("duration_s", sa.Float(), nullable=True))
        batch.add_column(sa.Column("fps", sa.Float(), nullable=True))
        batch.add_column(sa.Column("codec", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("frames_sampled", sa.Integer(), nullable=True))
    op.create_table(
        "video_frames",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("frame_index", sa.Integer(), nullable=False),
        sa.Column("t", sa.Float(), nullable=False),
        sa.Column("phash", sa.String(length=16), nullable=False),
        sa.Column("dhash", sa.String(length=16), nullable=False),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("pdq_quality", sa.Integer(), nullable=True),
        sa.Column("low_information", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_video_frames_item_id_items")
        ),
        sa.PrimaryKeyConstraint("item_id", "frame_index", name=op.f("pk_video_frames")),
    )


def downgrade() -> None:
    op.drop_table("video_frames")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("frames_sampled")
        batch.drop_column("codec")
        batch.drop_column("fps")
        batch.drop_column("duration_s")
