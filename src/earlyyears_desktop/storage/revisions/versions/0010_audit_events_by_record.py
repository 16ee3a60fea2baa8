"""an index of the audit trail by record

Revision ID: 0010
Revises: 0009

The audit viewer filtered by child reads the events about that child's records, newest
first; without an index on `record_id` SQLite read the whole trail for every page (790 ms
for a child on the scale vault's 312,000 events, against 35 ms with it, measured while the
index was proposed; building it took 5.7 s there, once). Events by person need no index of
their own: a team has few practitioners, so the newest 200 of one person's events are near
the end of the trail.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_events_record", "audit_events", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_record", table_name="audit_events")
