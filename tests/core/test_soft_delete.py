"""Tombstoned records are hidden from every read by one rule in the unit of work.

Each test tombstones a record behind the services' back where no service would (a carer, a
mark, an enrolment, a child with live records), the way a return bundle from the central
service can, and checks that the ordinary reads no longer show it while a read that asks for
tombstones (INCLUDE_DELETED, or `UnitOfWork.including_deleted()`) still does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from earlyyears_desktop.domain.models import (
    Attendance,
    Carer,
    Child,
    Enrolment,
    Group,
    Synced,
    utcnow,
)
from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED

from .conftest import TODAY


def _child(services: Services, given: str, *carers: str) -> str:
    return services.children.create_child(
        ChildInput(given, "Tester", TODAY - dt.timedelta(days=800)),
        carers=[CarerInput(name) for name in carers],
    ).id


def _tombstone(services: Services, model: type[Synced], record_id: str) -> None:
    """Mark a record deleted directly, as an applied return bundle may."""
    with services.uow.write() as tx:
        record = tx.session.get(model, record_id)
        assert record is not None
        record.deleted_at = utcnow()


def _group_with_session(services: Services, *children: str) -> tuple[str, str]:
    group = services.groups.add_group(GroupInput("Little Steps", weekday=TODAY.weekday())).id
    for child in children:
        services.groups.enrol(child, group, TODAY - dt.timedelta(days=30))
    return group, services.groups.add_session(group, TODAY).id


def test_a_deleted_carer_is_not_read_with_the_child(services: Services) -> None:
    child = _child(services, "Ada", "Kept Carer", "Gone Carer")
    gone = next(c.id for c in services.children.get_child(child).carers if c.name == "Gone Carer")
    _tombstone(services, Carer, gone)
    assert [c.name for c in services.children.get_child(child).carers] == ["Kept Carer"]
    with services.uow.read() as session:
        every = session.scalars(
            select(Carer.name).where(Carer.child_id == child), execution_options=INCLUDE_DELETED
        ).all()
    assert sorted(every) == ["Gone Carer", "Kept Carer"]


def test_a_deleted_mark_and_enrolment_leave_the_register(services: Services) -> None:
    ada, ben = _child(services, "Ada"), _child(services, "Ben")
    group, session = _group_with_session(services, ada, ben)
    mark = services.attendance.mark(session, ada, "present").value.attendance_id
    _tombstone(services, Attendance, mark)
    [ben_enrolment] = [e.id for e in services.groups.enrolments(group) if e.child_id == ben]
    _tombstone(services, Enrolment, ben_enrolment)

    register = services.attendance.register(session)
    assert [(c.child_id, c.mark.status) for c in register.cards] == [(ada, None)]
    assert services.groups.sessions(on=TODAY)[0].present == ()
    assert [e.child_id for e in services.groups.enrolments(group)] == [ada]
    # Marking again brings the same record back, not a second one.
    again = services.attendance.mark(session, ada, "late").value
    assert again.attendance_id == mark and again.version == 3


def test_a_deleted_child_is_hidden_through_joins_subqueries_and_counts(
    services: Services,
) -> None:
    ada, ben = _child(services, "Ada"), _child(services, "Ben")
    group, session = _group_with_session(services, ada, ben)
    services.attendance.mark(session, ben, "present")
    _tombstone(services, Child, ben)

    assert services.groups.sessions(on=TODAY)[0].present == ()  # Ben's mark joins his child
    assert [c.child_id for c in services.attendance.register(session).cards] == [ada]
    assert services.info().counts["child"] == 1
    assert services.groups.groups()[0].enrolled == 2  # the enrolments themselves are live
    later = aliased(Enrolment)
    with services.uow.read() as db:
        assert db.get(Child, ben) is None
        assert db.get(Child, ben, execution_options=INCLUDE_DELETED) is not None
        assert db.scalars(select(Child.id)).all() == [ada]
        assert db.scalar(select(func.count()).select_from(Child)) == 1
        joined = select(Enrolment.child_id).join(Child, Child.id == Enrolment.child_id)
        assert db.scalars(joined).all() == [ada]
        assert sorted(db.scalars(joined, execution_options=INCLUDE_DELETED)) == sorted([ada, ben])
        with_live_child = select(Group.id).where(
            exists().where(later.group_id == Group.id, later.child_id == ben)
        )
        assert db.scalars(with_live_child).all() == [group]  # ben's enrolment is live
        child_of_enrolment = select(Child.id).where(
            Child.id.in_(select(Enrolment.child_id).where(Enrolment.group_id == group))
        )
        assert db.scalars(child_of_enrolment).all() == [ada]
