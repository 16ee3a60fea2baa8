"""initial schema: every table of the domain, the audit chain and the change log

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("practitioner_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
    )
    op.create_table(
        "change_log",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("exported_seq", sa.Integer(), nullable=True),
        sa.Column("acknowledged", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index("ix_change_log_pending", ["acknowledged", "seq"], unique=False)

    op.create_table(
        "children",
        sa.Column("legal_given_names", sa.String(length=200), nullable=False),
        sa.Column("legal_family_name", sa.String(length=200), nullable=False),
        sa.Column("preferred_name", sa.String(length=200), nullable=False),
        sa.Column("search_key", sa.String(length=700), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=True),
        sa.Column("areas_of_need", sa.String(length=200), nullable=False),
        sa.Column("diagnoses_notes", sa.Text(), nullable=False),
        sa.Column("key_person", sa.String(length=200), nullable=False),
        sa.Column("setting_attended", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_children")),
    )
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_children_search_key"), ["search_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_children_status"), ["status"], unique=False)

    op.create_table(
        "device_keys",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key_bytes", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_device_keys")),
    )
    op.create_table(
        "practitioners",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("discipline", sa.String(length=60), nullable=False),
        sa.Column("key_slot_id", sa.String(length=36), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioners")),
    )
    op.create_table(
        "strategies",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("area_of_need", sa.String(length=60), nullable=False),
        sa.Column("practitioner_wording", sa.Text(), nullable=False),
        sa.Column("try_at_home", sa.Text(), nullable=False),
        sa.Column("from_central", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategies")),
    )
    op.create_table(
        "sync_bundles",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_bundles")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("local_version", sa.Integer(), nullable=False),
        sa.Column("central_version", sa.Integer(), nullable=False),
        sa.Column("central_data", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    op.create_table(
        "vault_settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_vault_settings")),
    )
    op.create_table(
        "venues",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("access_notes", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
    )
    op.create_table(
        "carers",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relationship", sa.String(length=80), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("preferred_language", sa.String(length=80), nullable=False),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("accessible_format", sa.String(length=20), nullable=False),
        sa.Column("is_main_contact", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_carers_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carers")),
    )
    with op.batch_alter_table("carers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carers_child_id"), ["child_id"], unique=False)

    op.create_table(
        "child_strategies",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("strategy_id", sa.String(length=36), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("progress", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_child_strategies_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
            name=op.f("fk_child_strategies_strategy_id_strategies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_strategies")),
    )
    with op.batch_alter_table("child_strategies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_child_strategies_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_child_strategies_strategy_id"), ["strategy_id"], unique=False
        )

    op.create_table(
        "consents",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("given_by", sa.String(length=200), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_consents_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["practitioners.id"],
            name=op.f("fk_consents_recorded_by_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consents_recorded_by"), ["recorded_by"], unique=False)

    op.create_table(
        "groups",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("venue_id", sa.String(length=36), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("focus", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_groups_venue_id_venues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
    )
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_groups_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "home_visits",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("practitioner_id", sa.String(length=36), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("carers_present", sa.String(length=300), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("family_will_practise", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_visit_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_home_visits_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_home_visits_practitioner_id_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_visits")),
    )
    with op.batch_alter_table("home_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_home_visits_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_home_visits_practitioner_id"), ["practitioner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_home_visits_visited_on"), ["visited_on"], unique=False)

    op.create_table(
        "support_plans",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("interventions", sa.Text(), nullable=False),
        sa.Column("expected_impact", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["practitioners.id"],
            name=op.f("fk_support_plans_author_id_practitioners"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_support_plans_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_plans")),
    )
    with op.batch_alter_table("support_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_plans_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_plans_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_plans_review_on"), ["review_on"], unique=False)

    op.create_table(
        "teaching_targets",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("skill_area", sa.String(length=120), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("small_steps", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_teaching_targets_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teaching_targets")),
    )
    with op.batch_alter_table("teaching_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_teaching_targets_child_id"), ["child_id"], unique=False
        )

    op.create_table(
        "team_members",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("is_lead_professional", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_team_members_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_child_id"), ["child_id"], unique=False)

    op.create_table(
        "enrolments",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_enrolments_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_enrolments_group_id_groups")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolments_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolments_group_id"), ["group_id"], unique=False)

    op.create_table(
        "group_staff",
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("discipline", sa.String(length=60), nullable=False),
        sa.Column("practitioner_id", sa.String(length=36), nullable=True),
        sa.Column("visiting", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_staff_group_id_groups")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_group_staff_practitioner_id_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_staff")),
    )
    with op.batch_alter_table("group_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_staff_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_group_staff_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "plan_outcomes",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("area_of_need", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["support_plans.id"], name=op.f("fk_plan_outcomes_plan_id_support_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_outcomes")),
    )
    with op.batch_alter_table("plan_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_outcomes_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_reviews",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("parent_views", sa.Text(), nullable=False),
        sa.Column("child_views", sa.Text(), nullable=False),
        sa.Column("changes_agreed", sa.Text(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("reviewer_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["support_plans.id"], name=op.f("fk_plan_reviews_plan_id_support_plans")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["practitioners.id"],
            name=op.f("fk_plan_reviews_reviewer_id_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_reviews")),
    )
    with op.batch_alter_table("plan_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_reviews_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_reviews_reviewer_id"), ["reviewer_id"], unique=False
        )

    op.create_table(
        "sessions",
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("staff_present", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancel_reason", sa.String(length=300), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_sessions_group_id_groups")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_group_id"), ["group_id"], unique=False)

    op.create_table(
        "visit_target_progress",
        sa.Column("home_visit_id", sa.String(length=36), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["home_visit_id"],
            ["home_visits.id"],
            name=op.f("fk_visit_target_progress_home_visit_id_home_visits"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["teaching_targets.id"],
            name=op.f("fk_visit_target_progress_target_id_teaching_targets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_target_progress")),
        sa.UniqueConstraint(
            "home_visit_id", "target_id", name=op.f("uq_visit_target_progress_home_visit_id")
        ),
    )
    with op.batch_alter_table("visit_target_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_target_progress_home_visit_id"), ["home_visit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_visit_target_progress_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "attendance",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("came_with", sa.String(length=200), nullable=False),
        sa.Column("arrived_at", sa.Time(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("is_visitor", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_attendance_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["practitioners.id"],
            name=op.f("fk_attendance_recorded_by_practitioners"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_attendance_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("session_id", "child_id", name=op.f("uq_attendance_session_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attendance_recorded_by"), ["recorded_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attendance_session_id"), ["session_id"], unique=False)

    op.create_table(
        "observations",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("context", sa.String(length=20), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("home_visit_id", sa.String(length=36), nullable=True),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("area_of_need", sa.String(length=60), nullable=False),
        sa.Column("outcome_id", sa.String(length=36), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("share_with_parents", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_device", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["practitioners.id"],
            name=op.f("fk_observations_author_id_practitioners"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_observations_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["home_visit_id"],
            ["home_visits.id"],
            name=op.f("fk_observations_home_visit_id_home_visits"),
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["plan_outcomes.id"],
            name=op.f("fk_observations_outcome_id_plan_outcomes"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_observations_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observations")),
    )
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observations_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_observations_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_observations_home_visit_id"), ["home_visit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_observations_observed_on"), ["observed_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_observations_outcome_id"), ["outcome_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_observations_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observations_session_id"))
        batch_op.drop_index(batch_op.f("ix_observations_outcome_id"))
        batch_op.drop_index(batch_op.f("ix_observations_observed_on"))
        batch_op.drop_index(batch_op.f("ix_observations_home_visit_id"))
        batch_op.drop_index(batch_op.f("ix_observations_child_id"))
        batch_op.drop_index(batch_op.f("ix_observations_author_id"))

    op.drop_table("observations")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_session_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_recorded_by"))
        batch_op.drop_index(batch_op.f("ix_attendance_child_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("visit_target_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_target_progress_target_id"))
        batch_op.drop_index(batch_op.f("ix_visit_target_progress_home_visit_id"))

    op.drop_table("visit_target_progress")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_group_id"))
        batch_op.drop_index(batch_op.f("ix_sessions_date"))

    op.drop_table("sessions")
    with op.batch_alter_table("plan_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_reviews_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_plan_reviews_plan_id"))

    op.drop_table("plan_reviews")
    with op.batch_alter_table("plan_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_outcomes_plan_id"))

    op.drop_table("plan_outcomes")
    with op.batch_alter_table("group_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_staff_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_group_staff_group_id"))

    op.drop_table("group_staff")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolments_group_id"))
        batch_op.drop_index(batch_op.f("ix_enrolments_child_id"))

    op.drop_table("enrolments")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_child_id"))

    op.drop_table("team_members")
    with op.batch_alter_table("teaching_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teaching_targets_child_id"))

    op.drop_table("teaching_targets")
    with op.batch_alter_table("support_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_plans_review_on"))
        batch_op.drop_index(batch_op.f("ix_support_plans_child_id"))
        batch_op.drop_index(batch_op.f("ix_support_plans_author_id"))

    op.drop_table("support_plans")
    with op.batch_alter_table("home_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_home_visits_visited_on"))
        batch_op.drop_index(batch_op.f("ix_home_visits_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_home_visits_child_id"))

    op.drop_table("home_visits")
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_groups_venue_id"))

    op.drop_table("groups")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_recorded_by"))
        batch_op.drop_index(batch_op.f("ix_consents_child_id"))

    op.drop_table("consents")
    with op.batch_alter_table("child_strategies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_strategies_strategy_id"))
        batch_op.drop_index(batch_op.f("ix_child_strategies_child_id"))

    op.drop_table("child_strategies")
    with op.batch_alter_table("carers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carers_child_id"))

    op.drop_table("carers")
    op.drop_table("venues")
    op.drop_table("vault_settings")
    op.drop_table("sync_conflicts")
    op.drop_table("sync_bundles")
    op.drop_table("strategies")
    op.drop_table("practitioners")
    op.drop_table("device_keys")
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_children_status"))
        batch_op.drop_index(batch_op.f("ix_children_search_key"))

    op.drop_table("children")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_pending")

    op.drop_table("change_log")
    op.drop_table("audit_events")
