"""supervision: QA rounds, second grades, adjudications, sign-offs

Sign-offs, the QA sample (with the first grades as drawn), adjudications and
the record of changes after sign-off are append-only: triggers reject UPDATE
and DELETE, as on the audit log. Second grades may be revised until the
supervisor adjudicates, so that table takes updates.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 18:12:14.064928
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qa_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("second_grader_id", sa.Integer(), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("population_sha256", sa.String(length=64), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_qa_rounds_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["examiner_id"], ["users.id"], name=op.f("fk_qa_rounds_examiner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibits.id"], name=op.f("fk_qa_rounds_exhibit_id_exhibits")
        ),
        sa.ForeignKeyConstraint(
            ["second_grader_id"], ["users.id"], name=op.f("fk_qa_rounds_second_grader_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_rounds")),
    )
    op.create_table(
        "sign_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("time_utc", sa.String(length=40), nullable=False),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("qa", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibits.id"], name=op.f("fk_sign_offs_exhibit_id_exhibits")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sign_offs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_offs")),
    )
    op.create_table(
        "qa_items",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("first_category", sa.String(length=40), nullable=False),
        sa.Column("first_source", sa.String(length=60), nullable=False),
        sa.Column("first_user_id", sa.Integer(), nullable=False),
        sa.Column("first_time", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_user_id"], ["users.id"], name=op.f("fk_qa_items_first_user_id_users")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_qa_items_item_id_items")),
        sa.ForeignKeyConstraint(
            ["round_id"], ["qa_rounds.id"], name=op.f("fk_qa_items_round_id_qa_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", "item_id", name=op.f("pk_qa_items")),
    )
    op.create_table(
        "changes_after_sign_off",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("sign_off_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["grade_history.id"],
            name=op.f("fk_changes_after_sign_off_change_id_grade_history"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_changes_after_sign_off_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["sign_off_id"],
            ["sign_offs.id"],
            name=op.f("fk_changes_after_sign_off_sign_off_id_sign_offs"),
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_changes_after_sign_off")),
    )
    with op.batch_alter_table("changes_after_sign_off", schema=None) as batch_op:
        batch_op.create_index("ix_changes_after_sign_off_item_id", ["item_id"], unique=False)

    op.create_table(
        "qa_adjudications",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("time_utc", sa.String(length=40), nullable=False),
        sa.Column("grade_audit_seq", sa.Integer(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id", "item_id"],
            ["qa_items.round_id", "qa_items.item_id"],
            name=op.f("fk_qa_adjudications_round_id_qa_items"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_qa_adjudications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("round_id", "item_id", name=op.f("pk_qa_adjudications")),
    )
    op.create_table(
        "qa_second_grades",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("time_utc", sa.String(length=40), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id", "item_id"],
            ["qa_items.round_id", "qa_items.item_id"],
            name=op.f("fk_qa_second_grades_round_id_qa_items"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_qa_second_grades_user_id_users")
        ),
        sa.PrimaryKeyConstraint("round_id", "item_id", name=op.f("pk_qa_second_grades")),
    )
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table("qa_second_grades")
    op.drop_table("qa_adjudications")
    with op.batch_alter_table("changes_after_sign_off", schema=None) as batch_op:
        batch_op.drop_index("ix_changes_after_sign_off_item_id")

    op.drop_table("changes_after_sign_off")
    op.drop_table("qa_items")
    op.drop_table("sign_offs")
    op.drop_table("qa_rounds")


#: Tables whose rows, once written, are never changed or removed.
APPEND_ONLY = ("qa_rounds", "qa_items", "qa_adjudications", "sign_offs", "changes_after_sign_off")


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION supervision_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION supervision_append_only()"
                )
        return
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _drop_append_only_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_{event}" + (f" ON {table}" if postgres else "")
            )
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS supervision_append_only()")
