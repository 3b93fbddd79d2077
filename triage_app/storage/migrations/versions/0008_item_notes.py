"""item notes: examiners' notes, tags and marked video frames per item

``item_notes`` holds one row per note, tag or marked frame (``kind``), who wrote it
and when, and the audit entry that recorded it; a removal marks the row (who,
when, why, its entry) and never deletes it: a trigger rejects DELETE.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 00:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("frame_s", sa.Float(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.String(length=40), nullable=True),
        sa.Column("removed_by", sa.Integer(), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.Column("removed_audit_seq", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("time_utc", sa.String(length=40), nullable=False),
        sa.CheckConstraint("kind IN ('note', 'tag', 'frame')", name=op.f("ck_item_notes_kind")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_notes_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by"], ["users.id"], name=op.f("fk_item_notes_removed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_item_notes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_notes")),
    )
    with op.batch_alter_table("item_notes", schema=None) as batch_op:
        batch_op.create_index("ix_item_notes_item_id", ["item_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION item_notes_no_delete() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'item notes are never deleted, only marked removed'; END; $$ "
            "LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER item_notes_no_delete BEFORE DELETE ON item_notes "
            "FOR EACH ROW EXECUTE FUNCTION item_notes_no_delete()"
        )
    else:
        op.execute(
            "CREATE TRIGGER item_notes_no_delete BEFORE DELETE ON item_notes BEGIN "
            "SELECT RAISE(ABORT, 'item notes are never deleted, only marked removed'); END"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(
        "DROP TRIGGER IF EXISTS item_notes_no_delete" + (" ON item_notes" if postgres else "")
    )
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS item_notes_no_delete()")
    with op.batch_alter_table("item_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_item_notes_item_id")
    op.drop_table("item_notes")
