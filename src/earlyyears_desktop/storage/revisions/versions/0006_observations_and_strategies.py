"""observations and strategies: time of day, edit history, tags, a child's own strategies

Revision ID: 0006
Revises: 0005

* `observations.observed_at`: the time of day an observation was made, when given.
* `observation_revisions`: each edit or deletion of an observation, with what it said before,
  who changed it, when and why (a deleted observation is a tombstone with its reason here).
* `strategies.tags`: comma-separated tags for searching the library.
* `child_strategies`: who in the family agreed a strategy and which practitioner, when it was
  stopped and why, and the own words of a strategy written for this child (whose
  `strategy_id` is then null).
* `child_strategy_notes`: how a child's strategy is going, noted over time.

Columns are added with plain `ALTER TABLE ADD COLUMN` where SQLite allows it, so the
full-text triggers on `observations` are untouched; `child_strategies.strategy_id` becoming
nullable rebuilds that table in batch mode.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _synced_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.add_column("observations", sa.Column("observed_at", sa.Time(), nullable=True))
    op.add_column(
        "strategies",
        sa.Column("tags", sa.String(length=400), nullable=False, server_default=""),
    )
    op.create_table(
        "observation_revisions",
        *_synced_columns(),
        sa.Column("observation_id", sa.String(length=36), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("revised_at", sa.DateTime(), nullable=False),
        sa.Column("revised_by", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("previous_text", sa.Text(), nullable=False),
        sa.Column("previous_observed_on", sa.Date(), nullable=False),
        sa.Column("previous_observed_at", sa.Time(), nullable=True),
        sa.Column("previous_context", sa.String(length=20), nullable=False),
        sa.Column("previous_area_of_need", sa.String(length=60), nullable=False),
        sa.Column("previous_outcome_id", sa.String(length=36), nullable=True),
        sa.Column("previous_share_with_parents", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observations.id"],
            name=op.f("fk_observation_revisions_observation_id_observations"),
        ),
        sa.ForeignKeyConstraint(
            ["revised_by"],
            ["practitioners.id"],
            name=op.f("fk_observation_revisions_revised_by_practitioners"),
        ),
        sa.ForeignKeyConstraint(
            ["previous_outcome_id"],
            ["plan_outcomes.id"],
            name=op.f("fk_observation_revisions_previous_outcome_id_plan_outcomes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_revisions")),
    )
    for column in ("observation_id", "revised_by", "previous_outcome_id"):
        op.create_index(
            op.f(f"ix_observation_revisions_{column}"), "observation_revisions", [column]
        )

    with op.batch_alter_table("child_strategies", schema=None) as batch_op:
        batch_op.alter_column("strategy_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.add_column(
            sa.Column("title", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("area_of_need", sa.String(length=60), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("practitioner_wording", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("try_at_home", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("agreed_with", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("agreed_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("stopped_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("stop_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            op.f("fk_child_strategies_agreed_by_practitioners"),
            "practitioners",
            ["agreed_by"],
            ["id"],
        )
        batch_op.create_index(op.f("ix_child_strategies_agreed_by"), ["agreed_by"])

    op.create_table(
        "child_strategy_notes",
        *_synced_columns(),
        sa.Column("child_strategy_id", sa.String(length=36), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("progress", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_strategy_id"],
            ["child_strategies.id"],
            name=op.f("fk_child_strategy_notes_child_strategy_id_child_strategies"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["practitioners.id"],
            name=op.f("fk_child_strategy_notes_author_id_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_strategy_notes")),
    )
    for column in ("child_strategy_id", "author_id"):
        op.create_index(op.f(f"ix_child_strategy_notes_{column}"), "child_strategy_notes", [column])


def downgrade() -> None:
    op.drop_table("child_strategy_notes")
    with op.batch_alter_table("child_strategies", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_child_strategies_agreed_by"))
        batch_op.drop_constraint(
            op.f("fk_child_strategies_agreed_by_practitioners"), type_="foreignkey"
        )
        for column in (
            "stop_reason",
            "stopped_on",
            "agreed_by",
            "agreed_with",
            "try_at_home",
            "practitioner_wording",
            "area_of_need",
            "title",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("strategy_id", existing_type=sa.String(length=36), nullable=False)
    op.drop_table("observation_revisions")
    op.drop_column("strategies", "tags")
    op.drop_column("observations", "observed_at")
