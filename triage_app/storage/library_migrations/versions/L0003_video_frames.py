"""video frames: list entries may carry a known video's frame hashes

``entry_frames`` holds the sampled frames of a video entry (time, pHash and
dHash as signed 64-bit integers, PDQ as 32 bytes and its quality), imported
from a list's ``frame_hashes`` column or alternative hash.

Revision ID: L0003
Revises: L0002
Create Date: 2026-12-07 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "L0003"
down_revision = "L0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entry_frames",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("frame_index", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("t", sa.Float(), nullable=False),
        sa.Column("phash", sa.BigInteger(), nullable=False),
        sa.Column("dhash", sa.BigInteger(), nullable=False),
        sa.Column("pdq", sa.LargeBinary(), nullable=True),
        sa.Column("pdq_quality", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_entry_frames_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["hash_sets.id"],
            name=op.f("fk_entry_frames_set_id_hash_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "frame_index", name=op.f("pk_entry_frames")),
    )
    with op.batch_alter_table("entry_frames", schema=None) as batch_op:
        batch_op.create_index("ix_entry_frames_set_id", ["set_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entry_frames", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_frames_set_id")
    op.drop_table("entry_frames")
