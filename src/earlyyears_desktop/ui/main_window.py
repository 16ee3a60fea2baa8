"""The main window: the unlock screen while locked; navigation and pages while unlocked."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFontMetrics, QKeySequence, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.accounts import UnlockedVault
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, VaultInfo
from earlyyears_desktop.ui import records_menu
from earlyyears_desktop.ui.audit_log import AuditLogEntry
from earlyyears_desktop.ui.backups import BackupControls
from earlyyears_desktop.ui.icons import nav_icon, nav_icon_size
from earlyyears_desktop.ui.idle import IdleWatcher
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.page_list import (
    PAGE_SHORTCUTS,
    PAGES,
    PageSpec,
    sidebar_list,
    spoken_shortcut,
)
from earlyyears_desktop.ui.pages import FailedPage, Page
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.theme import apply_theme
from earlyyears_desktop.ui.unlock import UnlockScreen

if TYPE_CHECKING:
    from earlyyears_desktop.ui.children_page import ChildrenPage
    from earlyyears_desktop.ui.groups_page import GroupsPage
    from earlyyears_desktop.ui.meetings_page import MeetingsPage
    from earlyyears_desktop.ui.observations_page import ObservationsPage
    from earlyyears_desktop.ui.plans_page import PlansPage

# The pages are imported when they are built, after unlocking: the unlock screen comes up
# without them (and without what they bring, such as Qt's print support).

log = logging.getLogger(__name__)
APP_TITLE = "Early Years"


def the_app() -> QApplication:
    """The running application (a QApplication: this is the GUI)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        vault_folder: Path,
        runner: OpRunner,
        preferences: Preferences | None = None,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        """`clock`: where the unlocked vault's services read the date (else the wall clock)."""
        super().__init__(parent)
        self.vault_folder = Path(vault_folder)
        self.runner = runner
        self.preferences = preferences or Preferences(self.vault_folder)
        #: the open vault's services and account actions while unlocked
        self.opened: UnlockedVault | None = None
        self.services: Services | None = None
        self.pages: dict[str, Page] = {}
        #: the pages other pages send the user to (None while locked, or if one failed)
        self._groups: GroupsPage | None = None
        self._children: ChildrenPage | None = None
        self._observations: ObservationsPage | None = None
        self._plans: PlansPage | None = None
        self._meetings: MeetingsPage | None = None
        self.current_key = "today"
        self.practitioner_name = ""
        self.setWindowTitle(APP_TITLE)
        self.setAccessibleName(APP_TITLE)
        self.resize(1280, 720)

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.unlock_screen = UnlockScreen(
            self.vault_folder, runner, self.preferences.last_practitioner_id, clock=clock
        )
        self.unlock_screen.unlocked.connect(self.enter)
        self.stack.addWidget(self.unlock_screen)

        self.workspace = QWidget()
        self.workspace.setAccessibleName("Workspace")
        row = QHBoxLayout(self.workspace)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav = sidebar_list()
        self.nav.setIconSize(nav_icon_size(self.nav.font()))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for spec in PAGES:
            shortcut = PAGE_SHORTCUTS[spec.key]
            item = QListWidgetItem(nav_icon(spec.key), spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.title} ({shortcut})")
            item.setData(
                Qt.ItemDataRole.AccessibleDescriptionRole, f"Shortcut {spoken_shortcut(shortcut)}"
            )
            self.nav.addItem(item)
        bold = self.nav.font()
        bold.setWeight(bold.Weight.DemiBold)
        width = max(QFontMetrics(bold).horizontalAdvance(s.title) for s in PAGES)
        sidebar = QWidget()
        self.sidebar = sidebar
        sidebar.setObjectName("sidebar-panel")
        sidebar.setFixedWidth(width + self.nav.iconSize().width() + 48)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(self.nav, 1)
        self.nav.currentRowChanged.connect(self._nav_changed)
        row.addWidget(sidebar)
        self.page_stack = QStackedWidget()
        row.addWidget(self.page_stack, 1)
        self.stack.addWidget(self.workspace)

        self.backups = BackupControls(self, self.preferences)
        self._build_actions()
        self._build_status_bar()
        self.idle = IdleWatcher(the_app(), self._auto_lock_ms(), self)
        self.idle.idle.connect(lambda: self.lock())
        runner.changed.connect(self._on_changes)
        self._watched: set[object] = set()
        the_app().focusWindowChanged.connect(self._focus_window_changed)
        self.show_locked()

    # ---- chrome ----

    def _build_actions(self) -> None:
        self.lock_action = QAction("&Lock now", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        # from any window of the app: a home visit's editor is a window of its own
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.setToolTip("Lock now (Ctrl+L): hide every record until unlocked")
        self.lock_action.triggered.connect(lambda: self.lock())
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        # Ctrl+F: the Children page's own name search while it is shown (the list is what
        # one searches there), the observation search from everywhere else.
        self.find_action = QAction("&Find observations…", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.setToolTip(
            "Search every observation (Ctrl+F); on the Children page, Ctrl+F finds a child"
        )
        self.find_action.triggered.connect(self.find_records)
        menu = records_menu
        self.check_action = menu.records_action(
            self, "&Check the vault…", menu.CHECK_TIP, menu.start_vault_check
        )
        self.retention_action = menu.records_action(
            self, "&Retention review…", menu.RETENTION_TIP, menu.open_retention_review
        )
        records = self.menuBar().addMenu("&Records")
        records.addAction(self.find_action)
        records.addAction(self.check_action)
        self.audit_log = AuditLogEntry(self, self.runner)  # enabled for an administrator
        records.addAction(self.audit_log.action)
        records.addAction(self.backups.action)
        records.addAction(self.retention_action)
        records.addSeparator()
        records.addAction(self.lock_action)
        records.addSeparator()
        records.addAction(self.quit_action)
        self.go_menu = self.menuBar().addMenu("&Go")
        self.go_actions: list[QAction] = []
        for spec in PAGES:
            action = QAction(spec.menu_text, self)
            action.setShortcut(QKeySequence(PAGE_SHORTCUTS[spec.key]))
            action.triggered.connect(lambda _=False, key=spec.key: self.show_page(key))
            self.go_menu.addAction(action)
            self.go_actions.append(action)
        self.go_menu.addSeparator()
        self.focus_action = QAction("&Register only", self)
        self.focus_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.focus_action.setToolTip(
            "Today's register with nothing else around it (F11); F11 or Esc brings the rest back"
        )
        self.focus_action.triggered.connect(self.toggle_register_only)
        self.go_menu.addAction(self.focus_action)
        self.go_actions.append(self.focus_action)
        self.go_actions.append(self.find_action)
        self.go_actions.append(self.check_action)
        self.go_actions.append(self.retention_action)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.lock_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.who_label = QLabel()
        self.who_label.setAccessibleName("Who is unlocked")
        self.unsynced_label = QLabel()
        self.unsynced_label.setAccessibleName("Changes not yet synced")
        self.export_label = QLabel()
        self.export_label.setAccessibleName("Last export")
        for label in (self.who_label, self.unsynced_label, self.export_label):
            label.setContentsMargins(12, 0, 12, 0)
            bar.addPermanentWidget(label)
        bar.addPermanentWidget(self.backups.label)

    def _auto_lock_ms(self) -> int:
        return self.preferences.auto_lock_minutes * 60_000

    def set_auto_lock_ms(self, ms: int) -> None:
        self.idle.set_timeout_ms(ms)

    # ---- locked and unlocked ----

    @property
    def is_locked(self) -> bool:
        return self.opened is None

    def show_locked(self) -> None:
        self.stack.setCurrentWidget(self.unlock_screen)
        self.workspace.hide()
        self.sidebar.show()
        self.lock_action.setEnabled(False)
        for action in self.go_actions:
            action.setEnabled(False)
        self.go_menu.setEnabled(False)
        self.setWindowTitle(f"{APP_TITLE}: locked")
        self.unlock_screen.reset()

    def enter(self, unlocked: UnlockedVault) -> None:
        """Show the workspace for an unlocked vault, on the page the user was last on."""
        self.opened = unlocked
        self.services = unlocked.services
        self.preferences.last_practitioner_id = unlocked.practitioner_id or ""
        with QSignalBlocker(self.nav):  # focus coming to the list would choose its first page
            self.stack.setCurrentWidget(self.workspace)
            self.workspace.show()
        self.lock_action.setEnabled(True)
        self.go_menu.setEnabled(True)
        for action in self.go_actions:
            action.setEnabled(True)
        self.show_page(self.current_key)
        self.audit_log.attach(self.services)
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)
        self.refresh_status()
        self.backups.on_unlocked(unlocked.services)
        records_menu.finish_owed_compaction(self, unlocked.services)
        self.idle.set_timeout_ms(self.idle.timeout_ms)
        self.idle.start()
        self.unlocked.emit()

    # ---- building the pages (each imported and typed against `ui.pages.Page`) ----

    def _build_page(self, spec: PageSpec) -> Page:
        """The page of `spec`, built the first time it is needed after an unlock: building
        every page at once imported and read what the first page shown does not need (the
        main window came up about a third of a second later on the scale vault)."""
        built = self.pages.get(spec.key)
        if built is not None:
            return built
        try:
            page = self._new_page(spec)
        except Exception as error:  # one broken page must not hide the others
            # A bug: shown (the failed page and the incident dialog) and logged (types
            # and frames in the incident log), never swallowed into a placeholder.
            log.error("The %s page could not be built", spec.key)
            self.runner.report_unexpected(error)
            page = FailedPage(spec.title)
        page.setObjectName(f"page-{spec.key}")
        self.pages[spec.key] = page
        self.page_stack.addWidget(page)
        return page

    def _new_page(self, spec: PageSpec) -> Page:
        from earlyyears_desktop.ui.children_page import ChildrenPage
        from earlyyears_desktop.ui.document_preview import show_family_documents
        from earlyyears_desktop.ui.groups_page import GroupsPage
        from earlyyears_desktop.ui.handouts_page import HandoutsPage
        from earlyyears_desktop.ui.home_visits_page import HomeVisitsPage
        from earlyyears_desktop.ui.meetings_page import MeetingsPage
        from earlyyears_desktop.ui.observations_page import ObservationsPage
        from earlyyears_desktop.ui.plans_page import PlansPage
        from earlyyears_desktop.ui.settings_page import SettingsPage
        from earlyyears_desktop.ui.strategies_page import StrategiesPage
        from earlyyears_desktop.ui.sync_page import SyncPage
        from earlyyears_desktop.ui.today_page import TodayPage
        from earlyyears_desktop.ui.visit_opening import open_visit_editor

        services, runner = self.services, self.runner
        assert services is not None
        if spec.key == "today":
            today = TodayPage(services, runner, self.open_session)
            today.child_requested.connect(self.open_child)
            today.meeting_requested.connect(self.open_meeting)
            today.page_requested.connect(self.show_page)  # the first steps' Sync
            return today
        if spec.key == "groups":
            groups = GroupsPage(services, runner, preferences=self.preferences)
            # "Register only": the sections list goes too, for the widest register.
            groups.focus_mode_changed.connect(lambda on: self.sidebar.setVisible(not on))
            self._groups = groups
            return groups
        if spec.key == "children":
            children = ChildrenPage(services, runner)
            children.session_requested.connect(self.open_session)
            children.plan_requested.connect(self.open_plan)
            children.meeting_open_requested.connect(self.open_meeting)
            self._children = children
            return children
        if spec.key == "observations":
            observations = ObservationsPage(services, runner)
            observations.observation_requested.connect(self.open_observation)
            self._observations = observations
            return observations
        if spec.key == "visits":
            visits = HomeVisitsPage(services, runner)
            visits.start_visit_requested.connect(
                lambda child: open_visit_editor(self, services, runner, child_id=child)
            )
            visits.open_visit_requested.connect(
                lambda visit: open_visit_editor(self, services, runner, visit_id=visit)
            )
            return visits
        if spec.key == "plans":
            self._plans = PlansPage(services, runner)
            return self._plans
        if spec.key == "meetings":
            meetings = MeetingsPage(services, runner)
            meetings.meeting_open_requested.connect(self.open_meeting)
            meetings.questionnaire_requested.connect(
                lambda referral: show_family_documents(self, services, runner, referral_id=referral)
            )
            self._meetings = meetings
            return meetings
        if spec.key == "strategies":
            return StrategiesPage(services, runner)
        if spec.key == "handouts":
            return HandoutsPage(services, runner)
        if spec.key == "sync":
            return SyncPage(services, runner)
        if spec.key == "settings":
            assert self.opened is not None
            settings = SettingsPage(
                services, self.opened.accounts, runner, self.preferences, backups=self.backups
            )
            settings.auto_lock_changed.connect(lambda m: self.idle.set_timeout_ms(m * 60_000))
            settings.high_contrast_changed.connect(self._apply_high_contrast)
            return settings
        raise LookupError(f"No page is built for {spec.key!r}")

    def _apply_high_contrast(self, on: bool) -> None:
        apply_theme(the_app(), on)

    # ---- showing pages ----

    def show_page(self, key: str) -> None:
        spec = next((s for s in PAGES if s.key == key), None)
        if self.is_locked or spec is None:
            return
        if key != self.current_key and self.current_key == "groups" and self._groups:
            self._groups.set_focus_mode(False)  # "Register only" ends, the sections come back
        self.current_key = key
        row = next(i for i, s in enumerate(PAGES) if s.key == key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # comes back through _nav_changed
            return
        self.nav.item(row).setSelected(True)  # current since the list took the focus: shown so
        page = self._build_page(spec)
        self.page_stack.setCurrentWidget(page)
        title = PAGES[row].title
        self.setWindowTitle(f"{APP_TITLE}: {title}")
        page.reload()

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(PAGES) and not self.is_locked:
            self.show_page(PAGES[row].key)

    def page(self, key: str) -> Page:
        """The page `key` (built now if it has not been shown since the unlock)."""
        if self.is_locked:
            raise LookupError("The vault is locked: no page is built.")
        spec = next((s for s in PAGES if s.key == key), None)
        if spec is None:
            raise LookupError(f"There is no page {key!r}")
        return self._build_page(spec)

    def open_session(self, session_id: str) -> None:
        self.show_page("groups")
        if self._groups:
            self._groups.open_session(session_id)

    def toggle_register_only(self) -> None:
        """F11: the open register alone on the screen, or everything back."""
        if self.is_locked:
            return
        self.page("groups")  # built if it has not been shown yet
        page = self._groups
        if page is None:  # the page failed to build (shown as such)
            return
        if self.current_key != "groups":
            self.show_page("groups")
            page.set_focus_mode(True)
        else:
            page.set_focus_mode(not page.focus_mode)

    def open_meeting(self, meeting_id: str) -> None:
        """Open a meeting in its editor (or bring forward the one open on it); its letters
        for the families are made and previewed from there."""
        from earlyyears_desktop.ui.document_preview import show_family_documents
        from earlyyears_desktop.ui.meeting_editor import open_meeting_editor

        services, runner = self.services, self.runner
        if self.is_locked or services is None:
            return
        open_meeting_editor(
            self,
            services,
            runner,
            meeting_id,
            on_letters=lambda meeting: show_family_documents(
                self, services, runner, meeting_id=meeting
            ),
        )

    def open_plan(self, plan_id: str) -> None:
        """Show a support plan whole on the Plans & reviews page."""
        self.show_page("plans")
        if self._plans:
            self._plans.open_plan(plan_id)

    def open_child(self, child_id: str) -> None:
        self.show_page("children")
        if self._children:
            self._children.open_child(child_id)

    def open_observation(self, child_id: str, observation_id: str) -> None:
        """Show an observation in its child's record, on the Children page."""
        self.show_page("children")
        if self._children:
            self._children.show_observation(child_id, observation_id)

    def find_records(self) -> None:
        """Ctrl+F: the current page's own search (a child on the Children page, a strategy on
        the Strategies page); on a page without one, the observation search."""
        if self.is_locked:
            return
        current = self.pages.get(self.current_key)
        if current is not None and current.focus_search():
            return
        self.show_page("observations")
        if self._observations:
            self._observations.focus_search()

    def lock(self) -> None:
        """Hide and forget everything personal, drain the worker, close the vault."""
        if self.opened is None:
            return
        self.idle.stop()
        self._close_dialogs()
        # Typing still waiting to be saved (session notes) is queued before the worker is
        # drained, so it is written while the vault is still open.
        for page in self.pages.values():
            flush = getattr(page, "flush_pending", None)
            if callable(flush):
                flush()
        self._drain()
        # A result delivered while draining may have opened a dialog (an observation read
        # for the record): close those too, before anything personal could stay on screen.
        self._close_dialogs()
        for page in self.pages.values():
            if isinstance(page, Page):
                page.clear_personal_data()
        self.workspace.hide()
        self.stack.setCurrentWidget(self.unlock_screen)
        for page in self.pages.values():
            self.page_stack.removeWidget(page)
            page.hide()
            page.setParent(None)
            page.deleteLater()
        self.pages.clear()
        self._groups = self._children = self._observations = None
        self._plans = self._meetings = None
        for label in (self.who_label, self.unsynced_label, self.export_label):
            label.clear()
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(-1)
        self.nav.blockSignals(False)
        unlocked, self.opened, self.services = self.opened, None, None
        self.audit_log.attach(None)
        self.backups.before_lock()
        unlocked.lock()
        log.info("Vault locked")
        self.show_locked()
        self.locked.emit()

    def _close_dialogs(self) -> None:
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    def _drain(self) -> None:
        """Let queued work finish and deliver its results now, so nothing lands after the
        clear. A result may queue more work (a page reading its next part), hence the loop."""
        for _ in range(50):
            self.runner.wait_for_idle()
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            if self.runner.running == 0:
                return
        log.warning("Background work was still running when the records were locked")

    # ---- status ----

    def refresh_status(self) -> None:
        services = self.services
        if services is None:
            return
        self.runner.run(
            lambda: (services.info(), services.practitioner_name()),
            on_done=self._show_status,
        )

    def _show_status(self, result: tuple[VaultInfo, str]) -> None:
        if self.is_locked:
            return
        info, name = result
        self.practitioner_name = name
        self.who_label.setText(f"Unlocked by {name}" if name else "Unlocked")
        n = info.unsynced_changes
        self.unsynced_label.setText(
            "All changes synced" if n == 0 else f"{n} change{'s' if n != 1 else ''} not synced"
        )
        self.export_label.setText(
            f"Last export {info.last_export[:10]}" if info.last_export else "Never exported"
        )
        if info.team_name:
            self.setWindowTitle(f"{APP_TITLE}: {PAGES[self.nav.currentRow()].title}")

    def _on_changes(self, _changes: object) -> None:
        if not self.is_locked:
            self.refresh_status()

    def _focus_window_changed(self, window: QWindow | None) -> None:
        """Watch each dialog that takes the keyboard: when it closes, hand the keyboard back
        to this window explicitly. A window manager normally does that; without one (a bare
        X server, some kiosk sessions) the keys, the pages' shortcuts included, went nowhere until a
        click."""
        if window is None or window is self.windowHandle() or window in self._watched:
            return
        self._watched.add(window)
        window.visibleChanged.connect(self._dialog_visibility)
        window.destroyed.connect(lambda _=None, w=window: self._watched.discard(w))

    def _dialog_visibility(self, visible: bool) -> None:
        if not visible:
            QTimer.singleShot(0, self._take_focus_back)

    def _take_focus_back(self) -> None:
        """To the window still open over this one (a home visit's editor, after its note box
        closed), else to this one."""
        if not self.isVisible() or QApplication.activeModalWidget() is not None:
            return
        open_over = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible() and w.parentWidget() is not None
        ]
        (open_over[-1] if open_over else self).activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.lock()
        self.idle.remove()
        the_app().focusWindowChanged.disconnect(self._focus_window_changed)
        super().closeEvent(event)
