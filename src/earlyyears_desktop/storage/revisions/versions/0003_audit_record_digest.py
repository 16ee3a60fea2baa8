"""audit events cover the record's contents: SHA-256 of the record after the change

Revision ID: 0003
Revises: 0002

Events written before this revision keep an empty digest; `audit-verify` checks the contents
of records whose latest event has one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(
            sa.Column("record_sha256", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("record_sha256")
