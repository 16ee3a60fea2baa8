"""an index of each child's observations by date and time

Revision ID: 0007
Revises: 0006

The child's timeline and a search filtered by child read a child's newest observations first;
with only the index on `child_id`, SQLite sorted all of a child's observations for every page
(15.7 ms against 0.64 ms for a child with 2,000 on the scale vault, measured while the index
was proposed).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_observations_child_when",
        "observations",
        ["child_id", "observed_on", "observed_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_observations_child_when", table_name="observations")
