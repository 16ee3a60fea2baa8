from __future__ import annotations

from earlyyears_desktop.ui.register import RegisterView


def test_register_opens(qtbot, term, runner) -> None:
    view = RegisterView(term.services, runner, term.today_session)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        pass
    assert len(view.cards) == 6
    assert view.counts_now() == {"present": 0, "carers": 0, "expected": 6, "to_arrive": 6}
