"""sync base versions: the version of each record the central service is known to hold

Revision ID: 0005
Revises: 0004

`sync_record_versions` keeps, per record, the last version this device knows the central
service holds; exports send it as each record's `base_version` (docs/bundle-format.md, 8.1)
and imports compare local versions with it to tell a local change from an old copy. Existing
vaults start from what their acknowledged change-log entries say was sent.

A unique index on the export stream's sequence numbers (`sync_bundles` rows with direction
"export") backs up the check that two exports never take the same number. Return bundles are
left out: their numbering starts again for every central signing key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_record_versions",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("central_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "record_id", name=op.f("pk_sync_record_versions")),
    )
    op.execute(
        "INSERT INTO sync_record_versions (entity, record_id, central_version) "
        "SELECT entity, record_id, MAX(version) FROM change_log "
        "WHERE acknowledged AND exported_seq > 0 GROUP BY entity, record_id"
    )
    with op.batch_alter_table("sync_bundles", schema=None) as batch_op:
        batch_op.create_index(
            "ux_sync_bundles_export_sequence",
            ["direction", "sequence"],
            unique=True,
            sqlite_where=sa.text("direction = 'export'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_bundles", schema=None) as batch_op:
        batch_op.drop_index("ux_sync_bundles_export_sequence")
    op.drop_table("sync_record_versions")
