"""Portage caseloads, home visits, teaching targets in small steps; support plans and reviews

Revision ID: 0008
Revises: 0007

* `caseload_entries`: a family on a Portage worker's caseload, visited weekly, fortnightly...
* `home_visits`: in progress or finished, siblings and other professionals present, how it
  went; `home_visit_revisions`: each edit of a finished visit with the values before.
* `visit_strategies`: the strategies shared with the family at a visit.
* `teaching_targets`: who in the family it was set with and by whom, when it was stopped and
  why; `target_steps`: its small steps in order, each achieved on a date.
* `visit_target_progress.step_id`: the step rated at the visit. Ratings are Portage's three
  words from now on; a rating written before ("not_yet", "secure") is left as it was and read
  as "emerging" or "achieved" (`ProgressRating`), so that its audit digest still matches.
* `support_plans`: the assessment summary, the key person, when and how the parents were told
  that SEN support started, and the one-page profile; `plan_outcomes`: each outcome's support,
  expected impact, who is responsible, when it was added or ended; `plan_specialists`: the
  specialists involved with the parents' agreement; `plan_reviews.child_views_how`;
  `outcome_reviews`: progress against each outcome at a review.

No record is written or changed here: the small steps of a target written before this
revision (newline-separated in `teaching_targets.small_steps`) become `target_steps` records
through the services at the next unlock (`TargetService.add_missing_steps`), audited and
exported like any new record.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
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


def _create(
    table: str,
    columns: list[sa.Column[object]],
    refs: dict[str, str],
    unique: tuple[str, ...] = (),
) -> None:
    """A synchronised table with a foreign key and an index on each reference column."""
    constraints: list[sa.Constraint] = []
    if unique:
        constraints.append(sa.UniqueConstraint(*unique, name=op.f(f"uq_{table}_{unique[0]}")))
    op.create_table(
        table,
        *_synced_columns(),
        *columns,
        *(
            sa.ForeignKeyConstraint(
                [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
            )
            for column, target in refs.items()
        ),
        *constraints,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    for column in refs:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def _text(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


def _string(name: str, length: int) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=length), nullable=False, server_default="")


def _reference(batch_op: object, table: str, column: str, target: str) -> None:
    batch_op.add_column(sa.Column(column, sa.String(length=36), nullable=True))  # type: ignore[attr-defined]
    batch_op.create_foreign_key(  # type: ignore[attr-defined]
        op.f(f"fk_{table}_{column}_{target}"), target, [column], ["id"]
    )
    batch_op.create_index(op.f(f"ix_{table}_{column}"), [column])  # type: ignore[attr-defined]


def upgrade() -> None:
    _create(
        "caseload_entries",
        [
            sa.Column("child_id", sa.String(length=36), nullable=False),
            sa.Column("practitioner_id", sa.String(length=36), nullable=True),
            sa.Column("rhythm", sa.String(length=30), nullable=False),
            sa.Column("opened_on", sa.Date(), nullable=False),
            sa.Column("closed_on", sa.Date(), nullable=True),
            sa.Column("close_reason", sa.Text(), nullable=False),
        ],
        {"child_id": "children", "practitioner_id": "practitioners"},
    )

    # a visit written before visits could be in progress was finished
    op.add_column(
        "home_visits",
        sa.Column("status", sa.String(length=20), nullable=False, server_default="finished"),
    )
    op.add_column("home_visits", _string("siblings_present", 300))
    op.add_column("home_visits", _string("others_present", 300))
    op.add_column("home_visits", _text("how_it_went"))
    op.add_column("home_visits", sa.Column("finished_at", sa.DateTime(), nullable=True))
    _create(
        "home_visit_revisions",
        [
            sa.Column("home_visit_id", sa.String(length=36), nullable=False),
            sa.Column("revised_at", sa.DateTime(), nullable=False),
            sa.Column("revised_by", sa.String(length=36), nullable=True),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.Column("previous", sa.Text(), nullable=False),
        ],
        {"home_visit_id": "home_visits", "revised_by": "practitioners"},
    )
    _create(
        "visit_strategies",
        [
            sa.Column("home_visit_id", sa.String(length=36), nullable=False),
            sa.Column("strategy_id", sa.String(length=36), nullable=True),
            sa.Column("title", sa.String(length=200), nullable=False),
            sa.Column("try_at_home", sa.Text(), nullable=False),
        ],
        {"home_visit_id": "home_visits", "strategy_id": "strategies"},
    )

    with op.batch_alter_table("teaching_targets", schema=None) as batch_op:
        batch_op.add_column(_string("set_with", 200))
        _reference(batch_op, "teaching_targets", "set_by", "practitioners")
        batch_op.add_column(sa.Column("stopped_on", sa.Date(), nullable=True))
        batch_op.add_column(_text("end_reason"))
    _create(
        "target_steps",
        [
            sa.Column("target_id", sa.String(length=36), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("achieved_on", sa.Date(), nullable=True),
            sa.Column("achieved_by", sa.String(length=36), nullable=True),
        ],
        {"target_id": "teaching_targets", "achieved_by": "practitioners"},
    )
    with op.batch_alter_table("visit_target_progress", schema=None) as batch_op:
        _reference(batch_op, "visit_target_progress", "step_id", "target_steps")

    with op.batch_alter_table("support_plans", schema=None) as batch_op:
        batch_op.add_column(_text("assessment_summary"))
        batch_op.add_column(_string("key_person", 200))
        batch_op.add_column(sa.Column("parents_told_on", sa.Date(), nullable=True))
        batch_op.add_column(_string("parents_told_how", 200))
        batch_op.add_column(_text("profile_admire"))
        batch_op.add_column(_text("profile_important"))
        batch_op.add_column(_text("profile_support"))
    with op.batch_alter_table("plan_outcomes", schema=None) as batch_op:
        batch_op.add_column(_text("support"))
        batch_op.add_column(_text("expected_impact"))
        batch_op.add_column(_string("responsible", 300))
        batch_op.add_column(sa.Column("added_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch_op.add_column(_text("end_reason"))
    _create(
        "plan_specialists",
        [
            sa.Column("plan_id", sa.String(length=36), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("role", sa.String(length=120), nullable=False),
            sa.Column("agency", sa.String(length=200), nullable=False),
            sa.Column("parents_agreed_on", sa.Date(), nullable=False),
            sa.Column("parents_agreed_by", sa.String(length=200), nullable=False),
        ],
        {"plan_id": "support_plans"},
    )
    op.add_column("plan_reviews", _text("child_views_how"))
    _create(
        "outcome_reviews",
        [
            sa.Column("review_id", sa.String(length=36), nullable=False),
            sa.Column("outcome_id", sa.String(length=36), nullable=False),
            sa.Column("progress", sa.String(length=30), nullable=False),
            sa.Column("note", sa.Text(), nullable=False),
        ],
        {"review_id": "plan_reviews", "outcome_id": "plan_outcomes"},
        unique=("review_id", "outcome_id"),
    )


def downgrade() -> None:
    op.drop_table("outcome_reviews")
    op.drop_column("plan_reviews", "child_views_how")
    op.drop_table("plan_specialists")
    with op.batch_alter_table("plan_outcomes", schema=None) as batch_op:
        for column in (
            "end_reason",
            "ended_on",
            "added_on",
            "responsible",
            "expected_impact",
            "support",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("support_plans", schema=None) as batch_op:
        for column in (
            "profile_support",
            "profile_important",
            "profile_admire",
            "parents_told_how",
            "parents_told_on",
            "key_person",
            "assessment_summary",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("visit_target_progress", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_visit_target_progress_step_id"))
        batch_op.drop_constraint(
            op.f("fk_visit_target_progress_step_id_target_steps"), type_="foreignkey"
        )
        batch_op.drop_column("step_id")
    op.drop_table("target_steps")
    with op.batch_alter_table("teaching_targets", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_teaching_targets_set_by"))
        batch_op.drop_constraint(
            op.f("fk_teaching_targets_set_by_practitioners"), type_="foreignkey"
        )
        for column in ("end_reason", "stopped_on", "set_by", "set_with"):
            batch_op.drop_column(column)
    op.drop_table("visit_strategies")
    op.drop_table("home_visit_revisions")
    for column in ("finished_at", "how_it_went", "others_present", "siblings_present", "status"):
        op.drop_column("home_visits", column)
    op.drop_table("caseload_entries")
