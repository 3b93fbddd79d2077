"""pdq: a 256-bit PDQ hash and its quality per item

Items gain ``pdq`` (64 hex digits) and ``pdq_quality`` (0-100).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("pdq", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("pdq_quality", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("pdq_quality")
        batch.drop_column("pdq")
