"""The Observations page by keyboard: Ctrl+F comes to its search box, typing shows results with
the matched word in bold, a filter narrows them, Enter opens the child on the Children page;
the empty vault and a search that finds nothing say so; record text is escaped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import ObservationContext
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observation_search import ObservationHit
from earlyyears_desktop.ui.observation_results import RICH_TEXT_ROLE, hit_html, snippet_html
from earlyyears_desktop.ui.observations_page import EMPTY_VAULT, PLACEHOLDER, ObservationsPage

from ..fast_vaults import make_vault
from .conftest import TODAY


def test_find_a_word_filter_and_open_the_child_by_keyboard(qtbot, window, unlock) -> None:
    unlock(window)
    page = window.page("observations")
    assert isinstance(page, ObservationsPage)
    assert page.search.placeholderText() == PLACEHOLDER
    # Ctrl+F from the Today page: the observation search, its text selected to type over.
    page.search.setText("old words")
    qtbot.keyClick(
        QApplication.focusWidget() or window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier
    )
    assert window.current_key == "observations"
    assert QApplication.focusWidget() is page.search
    assert page.search.selectedText() == "old words"

    with qtbot.waitSignal(page.results_ready, timeout=10_000):
        qtbot.keyClicks(page.search, "zoe")  # typed over the selected text
    qtbot.waitUntil(lambda: page.search.text() == "zoe" and page.model.rowCount() > 0)
    with qtbot.waitSignal(page.results_ready, timeout=10_000):
        page.run_query()  # the debounced search of the whole word has landed
    n = page.model.rowCount()
    assert n > 0 and page.count.text() == f"{n} observations found"
    rich = page.model.index(0, 0).data(RICH_TEXT_ROLE)
    assert "<b>Zoë</b>" in rich
    shown = [page.model.hit(row) for row in range(n)]
    dates = [(h.observed_on, h.observed_at is not None, h.observed_at or dt.time()) for h in shown]
    assert dates == sorted(dates, reverse=True)  # newest first

    # A filter by keyboard: only the group sessions.
    page.context.setFocus()
    with qtbot.waitSignal(page.results_ready, timeout=10_000):
        page.context.set_value(ObservationContext.SESSION.value)
    assert all(page.model.hit(r).context == "session" for r in range(page.model.rowCount()))

    # Enter on a result: its child's record on the Children page.
    first = page.model.hit(0)
    page.results.setFocus()
    children = window.page("children")
    with qtbot.waitSignal(children.record_shown, timeout=10_000) as shown_child:
        qtbot.keyClick(page.results, Qt.Key.Key_Return)
    assert window.current_key == "children"
    assert shown_child.args == [first.child_id]
    # ... with that observation open, ready to read or change.
    record = children.record
    qtbot.waitUntil(lambda: getattr(record, "dialog", None) is not None, timeout=10_000)
    opened = record.dialog
    assert opened.isVisible() and opened.detail is not None and opened.detail.id == first.id
    opened.reject()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    # On the Children page, Ctrl+F finds a child (the list is what one searches there).
    qtbot.keyClick(
        QApplication.focusWidget() or window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier
    )
    assert window.current_key == "children" and QApplication.focusWidget() is children.search


def test_a_search_that_finds_nothing_says_what_was_searched(qtbot, window, unlock) -> None:
    unlock(window)
    window.show_page("observations")
    page = window.page("observations")
    page.search.setText("xyzzyq")
    with qtbot.waitSignal(page.results_ready, timeout=10_000):
        page.run_query()
    assert page.model.rowCount() == 0
    assert page.count.text() == "No observations match ‘xyzzyq’."
    # A "to" date before the "from" date is said beside the dates.
    page.use_from.setChecked(True)
    page.use_to.setChecked(True)
    page.date_to.setDate(page.date_from.date().addDays(-1))
    with qtbot.waitSignal(page.results_ready, timeout=10_000):
        page.run_query()
    assert page.date_error.isVisibleTo(page) and "before" in page.date_error.text()


def test_an_empty_vault_says_how_to_write_one(qtbot, tmp_path: Path, runner) -> None:
    created = make_vault(tmp_path / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    page = ObservationsPage(services, runner)
    qtbot.addWidget(page)
    try:
        with qtbot.waitSignal(page.results_ready, timeout=10_000):
            page.reload()
        assert page.count.text() == EMPTY_VAULT
        assert page.model.rowCount() == 0
    finally:
        runner.wait_for_idle()
        page.clear_personal_data()
        created.vault.lock()


def test_record_text_is_escaped_in_the_rich_text() -> None:
    snippet = "Drew <i>angles</i> & <b>lines</b> for Zoë"
    spans = ((snippet.index("Zoë"), snippet.index("Zoë") + 3),)
    assert snippet_html(snippet, spans) == (
        "Drew &lt;i&gt;angles&lt;/i&gt; &amp; &lt;b&gt;lines&lt;/b&gt; for <b>Zoë</b>"
    )
    hit = ObservationHit(
        "o",
        "c",
        "<script>Zoë</script>",
        TODAY,
        None,
        "session",
        "",
        None,
        "A & B",
        False,
        snippet,
        spans,
    )
    html = hit_html(hit)
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; B" in html
