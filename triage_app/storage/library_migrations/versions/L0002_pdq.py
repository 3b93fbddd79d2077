"""pdq: list entries may carry a PDQ hash and its quality

Entries gain ``pdq`` (32 bytes) and ``pdq_quality``.

Revision ID: L0002
Revises: L0001
Create Date: 2026-12-07 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "L0002"
down_revision = "L0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("pdq", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("pdq_quality", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("pdq_quality")
        batch.drop_column("pdq")
