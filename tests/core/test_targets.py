"""Teaching targets: set with the family in small steps, each step marked achieved by the
worker (the app suggests it after two visits rating it Achieved), edited without touching the
achieved steps, finished or stopped with a reason; and the data of the progress chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from earlyyears_desktop.domain.enums import ProgressRating, TargetStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.home_visits import StepRating
from earlyyears_desktop.services.targets import StepEdit, StepView, steps_from_lines
from earlyyears_desktop.services.timeline import TimelineKind

from ..fast_vaults import make_vault

TODAY = dt.date(2026, 11, 25)
BORN = dt.date(2023, 3, 14)
SET_ON = dt.date(2026, 9, 8)
STEPS = [
    "Looks at the adult when the activity stops",
    "Reaches or points to ask for more",
    "Uses the sign or word 'more' with a model",
]
E, D, A = ProgressRating.EMERGING, ProgressRating.DEVELOPING, ProgressRating.ACHIEVED


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """One cheap vault for the module; each test sets targets for a child of its own."""
    created = make_vault(tmp_path_factory.mktemp("targets") / "vault")
    try:
        yield Services(created.vault, today=lambda: TODAY)
    finally:
        created.vault.lock()


def _child(services: Services) -> str:
    return services.children.create_child(ChildInput("Zoë", "Adeyemi", BORN)).id


def _target(services: Services, child: str, steps: list[str] = STEPS) -> str:
    return services.targets.add(
        child, "Communication", "Asks for 'more'", steps, set_on=SET_ON, set_with="Mum (Funmi)"
    ).id


def _visit(services: Services, child: str, on: dt.date, target: str, rating: ProgressRating):
    return services.home_visits.record(
        child,
        on,
        carers_present="Mum",
        activities="Bubbles",
        family_will_practise="Pause and wait",
        ratings=[StepRating(target, rating)],
    ).id


def _refused(field: str, message: str, call: Callable[[], object]) -> None:
    with pytest.raises(ValidationError) as refused:
        call()
    assert (refused.value.field, refused.value.message) == (field, message)


def test_a_target_is_refused_with_the_field_named(services: Services) -> None:
    child = _child(services)
    add = services.targets.add
    _refused(
        "steps",
        "Please write at least one small step towards the target.",
        lambda: add(child, "Communication", "Asks for more", ["  ", ""], set_on=SET_ON),
    )
    _refused(
        "skill_area",
        "Please enter the skill area.",
        lambda: add(child, " ", "Asks for more", STEPS, set_on=SET_ON),
    )
    _refused(
        "target",
        "Please enter the target.",
        lambda: add(child, "Communication", "", STEPS, set_on=SET_ON),
    )
    _refused(
        "skill_area",
        "The skill area is too long (120 characters at most).",
        lambda: add(child, "x" * 121, "Asks for more", STEPS, set_on=SET_ON),
    )
    _refused(
        "set_on",
        "The date the target was set is before the child was born.",
        lambda: add(child, "Communication", "Asks", STEPS, set_on=BORN - dt.timedelta(days=1)),
    )
    _refused(
        "set_on",
        "The date the target was set is in the future.",
        lambda: add(child, "Communication", "Asks", STEPS, set_on=TODAY + dt.timedelta(days=1)),
    )
    assert services.targets.for_child(child) == []


def test_steps_over_three_visits_the_app_suggests_and_the_worker_decides(
    services: Services,
) -> None:
    child = _child(services)
    target = _target(services, child)
    (view,) = services.targets.for_child(child)
    assert [s.text for s in view.steps] == STEPS and view.set_with == "Mum (Funmi)"
    first = view.current_step
    assert first is not None and view.number(first) == 1

    _visit(services, child, dt.date(2026, 9, 15), target, D)
    _visit(services, child, dt.date(2026, 9, 29), target, A)
    assert services.targets.suggestion(target) is None  # one Achieved is not yet secure
    _visit(services, child, dt.date(2026, 10, 13), target, A)
    assert services.targets.suggestion(target) == first
    (view,) = services.targets.for_child(child)
    assert view.suggested_step == first
    assert view.current_step == first  # suggested, never marked by the app itself

    services.targets.achieve_step(first.id, dt.date(2026, 10, 13))
    view = services.targets.progress(target)
    second = view.current_step
    assert second is not None and second.text == STEPS[1] and view.number(second) == 2
    assert view.steps[0].achieved_on == dt.date(2026, 10, 13)
    assert view.suggested_step is None
    # The chart's data: each visit's date, the step worked on and the rating, oldest first.
    assert [(r.visited_on, view.number(view.step(r.step_id)), r.rating) for r in view.ratings] == [
        (dt.date(2026, 9, 15), 1, D),
        (dt.date(2026, 9, 29), 1, A),
        (dt.date(2026, 10, 13), 1, A),
    ]

    # Achieved at two visits, but not the last two that rated it: no suggestion.
    _visit(services, child, dt.date(2026, 10, 20), target, A)
    _visit(services, child, dt.date(2026, 10, 27), target, E)
    _visit(services, child, dt.date(2026, 11, 3), target, A)
    assert services.targets.suggestion(target) is None


def test_only_the_current_step_is_achieved_in_order(services: Services) -> None:
    child = _child(services)
    target = _target(services, child)
    steps = services.targets.progress(target).steps
    achieve = services.targets.achieve_step
    _refused(
        "step",
        "Only the current step can be marked achieved: steps are taken in order.",
        lambda: achieve(steps[1].id, TODAY),
    )
    _refused(
        "achieved_on",
        "The date the step was achieved is in the future.",
        lambda: achieve(steps[0].id, TODAY + dt.timedelta(days=1)),
    )
    _refused(
        "achieved_on",
        "The date the step was achieved is before the target was set.",
        lambda: achieve(steps[0].id, SET_ON - dt.timedelta(days=1)),
    )
    achieve(steps[0].id, dt.date(2026, 10, 1))
    _refused("step", "That step is already marked achieved.", lambda: achieve(steps[0].id, TODAY))
    _refused(
        "achieved_on",
        "The date is before the step before it was achieved.",
        lambda: achieve(steps[1].id, dt.date(2026, 9, 30)),
    )
    achieve(steps[1].id, dt.date(2026, 10, 20))
    assert services.targets.progress(target).current_step == steps[2]


def test_undo_only_the_last_step_and_only_before_the_next_is_rated(services: Services) -> None:
    child = _child(services)
    target = _target(services, child)
    steps = services.targets.progress(target).steps
    targets = services.targets
    targets.achieve_step(steps[0].id, dt.date(2026, 10, 1))
    targets.achieve_step(steps[1].id, dt.date(2026, 10, 8))
    _refused(
        "step",
        "Only the last step marked achieved can be undone.",
        lambda: targets.undo_step(steps[0].id),
    )
    _refused("step", "That step is not marked achieved.", lambda: targets.undo_step(steps[2].id))
    assert targets.progress(target).can_undo
    targets.undo_step(steps[1].id)  # a mistake: step 2 is current again
    view = targets.progress(target)
    assert view.current_step == StepView(steps[1].id, 1, STEPS[1], None)
    assert view.last_achieved is not None and view.last_achieved.id == steps[0].id

    _visit(services, child, dt.date(2026, 10, 15), target, E)  # rates step 2
    assert not targets.progress(target).can_undo
    _refused(
        "step",
        "A visit has rated the next step since: this step stays achieved.",
        lambda: targets.undo_step(steps[0].id),
    )


def test_finish_and_stop(services: Services) -> None:
    child = _child(services)
    met, dropped = _target(services, child), _target(services, child)
    targets = services.targets
    _refused(
        "achieved_on",
        "The date the target was finished is in the future.",
        lambda: targets.finish(met, TODAY + dt.timedelta(days=1)),
    )
    targets.finish(met, dt.date(2026, 11, 20), "Asks for more at every meal.")
    _refused(
        "end_reason",
        "Please say why the target is stopped.",
        lambda: targets.stop(dropped, TODAY, "  "),
    )
    _refused(
        "stopped_on",
        "The date the target was stopped is before the target was set.",
        lambda: targets.stop(dropped, SET_ON - dt.timedelta(days=1), "Moved to nursery"),
    )
    targets.stop(dropped, TODAY, "The family asked to work on sleep first.")
    views = {v.id: v for v in targets.for_child(child)}
    assert (views[met].status, views[met].achieved_on, views[met].end_reason) == (
        TargetStatus.ACHIEVED,
        dt.date(2026, 11, 20),
        "Asks for more at every meal.",
    )
    assert (views[dropped].status, views[dropped].stopped_on) == (TargetStatus.STOPPED, TODAY)
    assert targets.for_child(child, active_only=True) == []

    # An ended target: no step is achieved, rated, edited, and it is not ended again.
    ended = "The target is finished or stopped: its steps no longer change."
    step = views[met].steps[0]
    _refused("status", ended, lambda: targets.achieve_step(step.id, TODAY))
    _refused("status", ended, lambda: targets.stop(met, TODAY, "Again"))
    _refused(
        "status",
        ended,
        lambda: targets.edit(met, skill_area="C", target="T", set_with="", steps=[]),
    )
    with pytest.raises(ValidationError) as rated:
        _visit(services, child, TODAY, dropped, A)
    assert rated.value.field == "target"


def test_edit_keeps_the_achieved_steps(services: Services) -> None:
    child = _child(services)
    target = _target(services, child)
    targets = services.targets
    first, second, third = targets.progress(target).steps
    targets.achieve_step(first.id, dt.date(2026, 10, 1))
    _visit(services, child, dt.date(2026, 10, 8), target, D)  # rates the second step

    edit = targets.edit
    _refused(
        "steps",
        "An achieved step stays as it is.",
        lambda: edit(
            target,
            skill_area="Communication",
            target="Asks",
            set_with="",
            steps=[StepEdit(first.id, "Changed")],
        ),
    )
    _refused(
        "steps",
        "A step rated at a visit stays: reword it rather than removing it.",
        lambda: edit(
            target,
            skill_area="Communication",
            target="Asks",
            set_with="",
            steps=[StepEdit(third.id, third.text)],
        ),
    )
    # Reorder, reword, add: the third step first, the rated one reworded, a new one last.
    lines = [third.text, "Reaches, points or looks to ask for more", "Says 'more' to Dad"]
    steps = steps_from_lines([second, third], lines)
    assert [s.step_id for s in steps] == [third.id, second.id, None]
    edit(
        target,
        skill_area="Social and emotional",
        target="Asks for 'more' in play",
        set_with="Dad (Tunde)",
        steps=steps,
    )
    view = targets.progress(target)
    assert (view.skill_area, view.target, view.set_with) == (
        "Social and emotional",
        "Asks for 'more' in play",
        "Dad (Tunde)",
    )
    assert [(s.id, s.position, s.text) for s in view.steps[:3]] == [
        (first.id, 0, first.text),
        (third.id, 1, third.text),
        (second.id, 2, lines[1]),
    ]
    assert (view.steps[3].position, view.steps[3].text) == (3, "Says 'more' to Dad")
    assert view.steps[0].achieved_on == dt.date(2026, 10, 1)
    # The visit's rating still names the step it rated, under its new words.
    (rating,) = view.ratings
    assert rating.step_id == second.id and view.step(rating.step_id).text == lines[1]

    # A step never rated can be removed; all of them only while one is achieved.
    edit(target, skill_area="C", target="T", set_with="", steps=[StepEdit(second.id, "Points")])
    assert [s.text for s in targets.progress(target).steps] == [first.text, "Points"]


def test_edit_needs_a_step_when_none_is_achieved(services: Services) -> None:
    child = _child(services)
    target = _target(services, child, ["Looks"])
    _refused(
        "steps",
        "Please write at least one small step towards the target.",
        lambda: services.targets.edit(
            target, skill_area="Communication", target="Asks", set_with="", steps=[]
        ),
    )


def test_the_timeline_shows_targets_set_steps_achieved_and_targets_ended(
    services: Services,
) -> None:
    child = _child(services)
    met, dropped = _target(services, child), _target(services, child, ["Climbs one stair"])
    targets = services.targets
    first = targets.progress(met).steps[0]
    targets.achieve_step(first.id, dt.date(2026, 10, 6))
    targets.finish(met, dt.date(2026, 11, 2), "Asks at every meal.\nMum is delighted.")
    targets.stop(dropped, dt.date(2026, 11, 9), "Working on sleep first.")
    page = services.timeline.page(child, frozenset({TimelineKind.TARGET}))
    assert [(e.event, e.entity, e.record_id, e.date, e.title, e.detail) for e in page.entries] == [
        (
            "target_stopped",
            "teaching_target",
            dropped,
            dt.date(2026, 11, 9),
            "Target stopped: Asks for 'more'",
            "Working on sleep first.",
        ),
        (
            "target_finished",
            "teaching_target",
            met,
            dt.date(2026, 11, 2),
            "Target finished: Asks for 'more'",
            "Asks at every meal.",
        ),
        (
            "target_step_achieved",
            "target_step",
            first.id,
            dt.date(2026, 10, 6),
            f"Step 1 achieved: {STEPS[0]}",
            "Target: Asks for 'more'",
        ),
        *[
            (
                "target_set",
                "teaching_target",
                target,
                SET_ON,
                "Target set: Asks for 'more'",
                "Communication · with Mum (Funmi)",
            )
            for target in sorted((met, dropped), reverse=True)
        ],
    ]
    assert {e.kind for e in page.entries} == {TimelineKind.TARGET}
    assert TimelineKind.TARGET.label == "Teaching targets"


def test_who_it_was_set_with_is_refused_when_longer_than_its_column(services: Services) -> None:
    """Refused beside the field, never cut: a central service refuses a longer record."""
    child = _child(services)
    with pytest.raises(ValidationError) as refused:
        services.targets.add(
            child, "Play", "Posts shapes", ["Posts one"], set_on=SET_ON, set_with="Mum " * 60
        )
    assert refused.value.field == "set_with"
