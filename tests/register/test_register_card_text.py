"""What a register card shows: the keys on its buttons, and a long carer's name wrapped onto a
second line rather than cut short (a card as narrow as in "Register only")."""

from __future__ import annotations

from earlyyears_desktop.services.attendance import MarkState, RegisterCard
from earlyyears_desktop.ui.card_grid import CardGrid
from earlyyears_desktop.ui.register_card import CARD_MIN_WIDTH, ChildCard

LONG = "Oluwaseun Adebayo-Richardson"


def _card(child_id: str, carer: str) -> RegisterCard:
    return RegisterCard(
        child_id, "Léa Dubois-Martin", carer, (carer,), False, False, MarkState(None), None, 0
    )


def test_a_long_carer_name_wraps_to_a_second_line_and_the_card_grows(qtbot) -> None:  # type: ignore[no-untyped-def]
    grid = CardGrid()
    qtbot.addWidget(grid)
    short, long = (
        ChildCard(_card("a", "Ngozi Okonkwo"), grid.host),
        ChildCard(_card("b", LONG), grid.host),
    )
    for card in (short, long):
        card.show_mark(MarkState(None), saving=False)  # as the register does
    grid.resize(CARD_MIN_WIDTH + 60, 600)  # one column, about as wide as in Register only
    grid.lay_out([short, long])
    grid.show()
    qtbot.waitExposed(grid)
    qtbot.waitUntil(lambda: long.height() > short.height(), timeout=2000)

    lines = long.state.lines(long.state.contentsRect().width())
    assert len(lines) == 2 and "…" not in "".join(lines)
    assert " ".join(lines) == f"Expected with {LONG}"
    assert long.state.height() >= 2 * long.state.fontMetrics().lineSpacing()
    assert short.state.lines(short.state.contentsRect().width()) == ["Expected with Ngozi Okonkwo"]
    # Longer than two lines: the second ends in "…", and the tooltip keeps it all.
    long.state.setText(f"Expected with {LONG} " * 4)
    lines = long.state.lines(long.state.contentsRect().width())
    assert len(lines) == 2 and lines[1].endswith("…")
    assert long.state.toolTip().startswith(f"Expected with {LONG}")


def test_every_button_on_a_card_shows_its_key(qtbot) -> None:  # type: ignore[no-untyped-def]
    card = ChildCard(_card("a", "Ngozi Okonkwo"))
    qtbot.addWidget(card)
    card.show()
    keys = {b.text(): b.key for b in [*card.buttons.values(), card.details, card.note]}
    assert keys == {
        "Present": "P",
        "Late": "L",
        "Apologies": "A",
        "DNA": "D",
        "Left early": "E",
        "Details…": "Enter",
        "Note…": "N",
    }
    for button in card.buttons.values():
        assert button.accessibleName() and "The key" in button.accessibleDescription()
        assert button.height() >= button.minimumSizeHint().height()
