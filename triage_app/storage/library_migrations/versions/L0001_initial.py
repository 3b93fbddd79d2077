"""hash library: sets and entries

Revision ID: L0001
Revises: (none)
Create Date: 2026-11-29 16:59:15.242720
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "L0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hash_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("profile", sa.String(length=40), nullable=True),
        sa.Column("scheme", sa.String(length=40), nullable=True),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.String(length=40), nullable=False),
        sa.Column("imported_by_version", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("loaded", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_sets")),
        sa.UniqueConstraint("name", name=op.f("uq_hash_sets_name")),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("md5", sa.LargeBinary(), nullable=True),
        sa.Column("sha1", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.LargeBinary(), nullable=True),
        sa.Column("phash", sa.BigInteger(), nullable=True),
        sa.Column("dhash", sa.BigInteger(), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("photodna", sa.Text(), nullable=True),
        sa.Column("extra", sa.Text(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["hash_sets.id"],
            name=op.f("fk_entries_set_id_hash_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index("ix_entries_set_id", ["set_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_set_id")

    op.drop_table("entries")
    op.drop_table("hash_sets")
