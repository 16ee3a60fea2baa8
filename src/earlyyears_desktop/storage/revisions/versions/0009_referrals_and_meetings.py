"""Referrals to the pre-school liaison group, meetings, the parents' questionnaire, the
local authority's notifications

Revision ID: 0009
Revises: 0008

* `referrals`: a child referred to the liaison group by a named professional, with the
  parents' agreement (who, when, how), the reason and the questions to discuss.
* `questionnaire_replies`: the family's answers to the questionnaire before the meeting;
  `parent_questions`: each of their questions, and the answer the meeting gave.
* `meetings`: a liaison group or team around the child meeting (no child named);
  `meeting_attendees`: who was there, or sent apologies.
* `meeting_discussions`: each child discussed, with the outcome for the family's letter and
  the family there (a team around the child meeting);
  `meeting_decisions` and `meeting_actions` (what, who, by when) for that child.
* `la_notifications`: the statutory notification to the local authority of a child who may
  have SEND.

New tables only: no record is written or changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
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
    *,
    unique: tuple[str, ...] = (),
    indexed: tuple[str, ...] = (),
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
    for column in (*refs, *indexed):
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def _id(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=36), nullable=nullable)


def _string(name: str, length: int) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=length), nullable=False)


def _text(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Text(), nullable=False)


def _date(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Date(), nullable=nullable)


def upgrade() -> None:
    _create(
        "referrals",
        [
            _id("child_id"),
            _date("referred_on"),
            _string("referrer_name", 200),
            _string("referrer_role", 120),
            _string("referrer_agency", 200),
            _date("discussed_with_parents_on"),
            _string("parents_agreed_by", 200),
            _date("parents_agreed_on"),
            _string("parents_agreed_how", 200),
            _text("reason"),
            _text("questions"),
            _date("questionnaire_sent_on", nullable=True),
            _date("withdrawn_on", nullable=True),
            _text("withdrawn_reason"),
            _id("recorded_by", nullable=True),
        ],
        {"child_id": "children", "recorded_by": "practitioners"},
        indexed=("referred_on",),
    )
    _create(
        "questionnaire_replies",
        [
            _id("referral_id"),
            _date("returned_on"),
            _string("returned_how", 20),
            _id("taken_by", nullable=True),
            _text("going_well"),
            _text("concerns"),
            _text("to_talk_about"),
            _string("hear_back_how", 200),
        ],
        {"referral_id": "referrals", "taken_by": "practitioners"},
    )
    _create(
        "meetings",
        [
            _string("kind", 30),
            _string("name", 200),
            _date("held_on"),
            sa.Column("starts_at", sa.Time(), nullable=True),
            _string("venue", 200),
            sa.Column("online", sa.Boolean(), nullable=False),
            _string("chair_name", 200),
            _string("chair_role", 120),
            _string("status", 20),
            sa.Column("letters_roles_only", sa.Boolean(), nullable=False),
            _id("recorded_by", nullable=True),
        ],
        {"recorded_by": "practitioners"},
        indexed=("held_on",),
    )
    _create(
        "meeting_attendees",
        [
            _id("meeting_id"),
            _string("name", 200),
            _string("role", 120),
            _string("agency", 200),
            sa.Column("present", sa.Boolean(), nullable=False),
            _id("practitioner_id", nullable=True),
            sa.Column("position", sa.Integer(), nullable=False),
        ],
        {"meeting_id": "meetings", "practitioner_id": "practitioners"},
    )
    _create(
        "meeting_discussions",
        [
            _id("meeting_id"),
            _id("child_id"),
            _id("referral_id", nullable=True),
            sa.Column("position", sa.Integer(), nullable=False),
            _text("summary"),
            _text("outcome"),
            _text("next_steps"),
            _string("contact", 300),
            _string("family_present", 300),
            _date("letter_sent_on", nullable=True),
            _string("letter_sent_how", 100),
        ],
        {"meeting_id": "meetings", "child_id": "children", "referral_id": "referrals"},
        unique=("meeting_id", "child_id"),
    )
    _create(
        "meeting_decisions",
        [_id("discussion_id"), _string("kind", 40), _text("detail")],
        {"discussion_id": "meeting_discussions"},
    )
    _create(
        "meeting_actions",
        [
            _id("discussion_id"),
            _text("what"),
            _id("owner_id", nullable=True),
            _string("owner_name", 200),
            _date("due_on"),
            _date("done_on", nullable=True),
            _text("done_note"),
        ],
        {"discussion_id": "meeting_discussions", "owner_id": "practitioners"},
        indexed=("due_on",),
    )
    _create(
        "parent_questions",
        [
            _id("reply_id"),
            sa.Column("position", sa.Integer(), nullable=False),
            _text("question"),
            _text("answer"),
            _id("answered_in", nullable=True),
        ],
        {"reply_id": "questionnaire_replies", "answered_in": "meeting_discussions"},
    )
    _create(
        "la_notifications",
        [
            _id("child_id"),
            _id("decision_id", nullable=True),
            _date("notified_on"),
            _string("given_names", 200),
            _string("family_name", 200),
            _date("date_of_birth"),
            sa.Column("nhs_number", sa.String(length=10), nullable=True),
            _string("notified_by", 200),
            _string("notified_by_role", 120),
            _text("reason"),
            _date("parents_told_on", nullable=True),
            _string("parents_told_how", 200),
        ],
        {"child_id": "children", "decision_id": "meeting_decisions"},
        indexed=("notified_on",),
    )


def downgrade() -> None:
    for table in (
        "la_notifications",
        "parent_questions",
        "meeting_actions",
        "meeting_decisions",
        "meeting_discussions",
        "meeting_attendees",
        "meetings",
        "questionnaire_replies",
        "referrals",
    ):
        op.drop_table(table)
