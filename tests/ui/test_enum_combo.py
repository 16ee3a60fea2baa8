"""The combo box over a vocabulary: labels shown, stored values held, an optional "none"."""

from __future__ import annotations

from earlyyears_desktop.domain.enums import AttendanceStatus, ChildStatus, Discipline
from earlyyears_desktop.ui.enum_combo import EnumCombo


def entries(combo: EnumCombo) -> list[tuple[str, object]]:
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def test_it_shows_the_labels_and_holds_the_stored_values_in_order(qtbot) -> None:
    combo = EnumCombo(AttendanceStatus, "Mark")
    qtbot.addWidget(combo)
    assert entries(combo) == [(m.label, m.value) for m in AttendanceStatus]
    assert combo.accessibleName() == "Mark"
    assert combo.value() == AttendanceStatus.PRESENT.value  # the first member
    combo.set_value(AttendanceStatus.LATE.value)
    assert combo.currentText() == AttendanceStatus.LATE.label
    assert combo.value() == "late"


def test_a_none_entry_comes_first_and_reads_as_none(qtbot) -> None:
    combo = EnumCombo(Discipline, "Discipline", none_label="(not given)")
    qtbot.addWidget(combo)
    assert entries(combo)[0] == ("(not given)", None)
    assert entries(combo)[1:] == [(m.label, m.value) for m in Discipline]
    assert combo.value() is None
    combo.set_value(Discipline.PORTAGE.value)
    assert combo.value() == "portage"
    combo.set_value(None)
    assert combo.currentIndex() == 0 and combo.value() is None


def test_a_starting_value_and_one_not_in_the_vocabulary(qtbot) -> None:
    combo = EnumCombo(ChildStatus, "Status", value=ChildStatus.CLOSED.value)
    qtbot.addWidget(combo)
    assert combo.value() == "closed"
    combo.set_value("no_such_status")  # a newer version's value: the first entry, not a crash
    assert combo.currentIndex() == 0
