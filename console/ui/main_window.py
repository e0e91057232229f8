"""The operator window: machines and orders, follow-ups, the log pane, the environment banner."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QColor, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console.credentials import KeyringUnavailable, Profile, ProfileStore
from console.credentials.profiles import SANDBOX_PROFILE
from console.settings import (
    LANGUAGE_EN,
    LANGUAGE_SYSTEM,
    LANGUAGE_ZH,
    Settings,
    install_language,
    resolve_language,
)
from console.tasks.environment import Environment, EnvironmentFactory, SecretsAccess
from console.tasks.logfeed import LogFeed, entry_from_cross_check
from console.tasks.profiles import list_profiles
from console.tasks.runner import POOL_API, POOL_JOURNAL, POOL_SECRETS, TaskRunner
from console.ui.banner import EnvironmentBanner, banner_title
from console.ui.dialogs import Question
from console.ui.followups_panel import FollowupsPanel
from console.ui.icons import state_icon
from console.ui.log_pane import LogPane
from console.ui.machines_panel import MachinesPanel
from console.ui.order_panel import OrderPanel
from console.ui.profiles_dialog import ProfilesDialog
from console.ui.retranslate import retranslate_widgets
from console.ui.texts import QT_TRANSLATE_NOOP, describe_error, translate
from console.ui.workspace import LEVEL_ERROR, LEVEL_OK, LEVEL_WARN, Job, Workspace

if TYPE_CHECKING:
    from console.dispensing import Checks
    from console.journal import CallbackRow
    from console.ui.troubleshoot_view import TroubleshootView

log = logging.getLogger(__name__)

DRAIN_MS = 75  # log and callback batches reach the widgets at most this often
CALLBACK_REFRESH_MS = 400  # lists re-read after callbacks, coalesced
TIMEOUT_CHECK_MS = 15_000  # dispenses without a result after 120 s open follow-ups
LISTS_REFRESH_MS = 200  # lists re-read after actions, coalesced
# The busy bar and Cancel turn off only after this long without work: under a stream of
# short tasks they would otherwise flicker, and every show/hide re-lays-out the window.
IDLE_AFTER_MS = 300
FOLLOWUPS_OPEN_COLOUR = "#b71c1c"  # the Follow-ups tab's words while something is open
FIRST_PAINT_WAIT_MS = 1000  # the profile opens after the first paint, or after this at most
# Every tab stays usable down to the minimum (tests/gui/test_layout.py measures it).
MIN_SIZE = QSize(1024, 700)
DEFAULT_SIZE = QSize(1280, 860)
LOG_ROWS = 3  # the log's first height, in lines: the tabs above keep the rest
# The Troubleshoot tab's title (the view itself is built when first needed).
TROUBLESHOOT_TITLE = QT_TRANSLATE_NOOP("TroubleshootView", "Troubleshoot")
APP_TITLE = QT_TRANSLATE_NOOP("MainWindow", "Vending Console")
# The View ▸ Language choices: the stored value and its words (each language in its own).
LANGUAGE_CHOICES: tuple[tuple[str, str], ...] = (
    (LANGUAGE_SYSTEM, QT_TRANSLATE_NOOP("MainWindow", "&System language")),
    (LANGUAGE_EN, "&English"),
    (LANGUAGE_ZH, "中文(&Z)"),
)


def fit_rect(rect: QRect, available: QRect, minimum: QSize) -> QRect:
    """``rect`` moved (and shrunk, not below ``minimum``) to lie within ``available``."""
    width = max(min(rect.width(), available.width()), minimum.width())
    height = max(min(rect.height(), available.height()), minimum.height())
    x = max(available.left(), min(rect.left(), available.right() + 1 - width))
    y = max(available.top(), min(rect.top(), available.bottom() + 1 - height))
    return QRect(x, y, width, height)


class _FirstPaint(QObject):
    """Runs the queued actions once the window has painted for the first time.

    Opening a profile imports the client, journal, receiver and sandbox and starts
    them on a worker thread; begun while the window is still painting, that work
    competes with the paint for the interpreter, so it waits for the first paint.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.done = False
        self.queued: list[Callable[[], None]] = []
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint and not self.done:
            QTimer.singleShot(0, self, self.run)  # after this paint pass
        return False

    def pending(self) -> bool:
        """True while the window is shown but has not painted yet."""
        return not self.done and self.window.isVisible()

    def after(self, action: Callable[[], None]) -> None:
        if not self.queued:
            QTimer.singleShot(FIRST_PAINT_WAIT_MS, self, self.run)  # should no paint come
        self.queued.append(action)

    def run(self) -> None:
        if not self.done:
            self.done = True
            self.window.removeEventFilter(self)
        queued, self.queued = self.queued, []
        for action in queued:
            action()


class MainWindow(QMainWindow):
    def __init__(
        self,
        runner: TaskRunner,
        feed: LogFeed,
        factory: EnvironmentFactory,
        profiles: ProfileStore,
        secrets: SecretsAccess,
        settings: Settings,
    ) -> None:
        super().__init__()
        self.setWindowTitle(translate("MainWindow", APP_TITLE))
        self.setObjectName("main_window")
        self.runner = runner
        self.feed = feed
        self.factory = factory
        self.profiles = profiles
        self.secrets = secrets
        self.settings = settings
        self.ws = Workspace(runner, self)
        self.ws.dialog_parent = self
        self._opening = ""
        self._shut_down = False
        self._pending_orders: set[int] = set()
        self._first_paint = _FirstPaint(self)
        self._build()
        self._connect()
        self.setMinimumSize(MIN_SIZE)
        geometry, state = settings.window_geometry(), settings.window_state()
        if geometry is not None and self.restoreGeometry(geometry):
            self.keep_on_screen()
        else:
            self.resize(DEFAULT_SIZE)
        if state is None or not self.restoreState(state):
            self.resizeDocks(
                [self.log_pane], [self.log_pane.height_for_rows(LOG_ROWS)], Qt.Orientation.Vertical
            )
        self.log_pane.set_collapsed(settings.log_collapsed, settings.log_height)
        self._restore_splitters()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        self.banner = EnvironmentBanner()
        layout.addWidget(self.banner)

        self.machines = MachinesPanel(self.ws)
        self.order_panel = OrderPanel(self.ws, self.machines.machine)
        self.followups = FollowupsPanel(self.ws)
        # Built the first time it is shown or asked for: the first paint does not need it.
        self._troubleshoot: TroubleshootView | None = None
        self._troubleshoot_page: QWidget = QWidget()
        work = QSplitter(Qt.Orientation.Horizontal)
        work.setObjectName("work_splitter")
        work.addWidget(self.machines)
        work.addWidget(self.order_panel)
        work.setStretchFactor(0, 2)
        work.setStretchFactor(1, 3)
        work.setCollapsible(1, False)
        work.setSizes([520, 760])
        self.work_splitter = work
        self.tabs = QTabWidget()
        self.followups_stand_out = False  # the Follow-ups tab is marked: something is open
        self.tabs.addTab(work, translate("MainWindow", "Machines && orders"))
        self.tabs.addTab(
            self.followups, translate("MainWindow", "Follow-ups ({count})").format(count=0)
        )
        self.tabs.addTab(self._troubleshoot_page, translate("TroubleshootView", TROUBLESHOOT_TITLE))
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.log_pane = LogPane(self.ws, self)
        self.log_pane.follow_check.setChecked(self.settings.follow_tail)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log_pane)
        self._log_height = 0  # the log's height when it was last hidden
        self.log_pane.toggleViewAction().toggled.connect(self._log_toggled)

        self.refresh_action = QAction(translate("MainWindow", "&Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setToolTip(
            translate("MainWindow", "Reload machines, the open order and follow-ups (F5)")
        )
        self.cancel_action = QAction(translate("MainWindow", "Cancel running work"), self)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setToolTip(
            translate(
                "MainWindow",
                "Stop what is running at its next safe point (Esc); a request already sent "
                "cannot be called back",
            )
        )
        self.cancel_action.setEnabled(False)
        self.profiles_action = QAction(translate("MainWindow", "&Profiles…"), self)
        self.profiles_action.setShortcut(QKeySequence("Ctrl+P"))
        self.reset_sandbox_action = QAction(translate("MainWindow", "Reset &sandbox…"), self)
        self.reset_sandbox_action.setToolTip(
            translate(
                "MainWindow",
                "Start the built-in sandbox afresh: its machines, stock and orders as new",
            )
        )
        self.reset_sandbox_action.setEnabled(self.factory.owns_sandbox)
        self.focus_order_action = QAction(translate("MainWindow", "Go to order id"), self)
        self.focus_order_action.setShortcut(QKeySequence("Ctrl+L"))
        self.apply_action = QAction(translate("MainWindow", "Apply status"), self)
        self.apply_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.find_action = QAction(translate("MainWindow", "Search the log"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.quit_action = QAction(translate("MainWindow", "&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        for action in (self.focus_order_action, self.apply_action, self.find_action):
            self.addAction(action)

        file_menu = self.menuBar().addMenu(translate("MainWindow", "&File"))
        file_menu.addAction(self.profiles_action)
        file_menu.addAction(self.refresh_action)
        file_menu.addAction(self.reset_sandbox_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = self.menuBar().addMenu(translate("MainWindow", "&View"))
        view_menu.addAction(self.log_pane.toggleViewAction())
        view_menu.addAction(self.focus_order_action)
        view_menu.addAction(self.find_action)
        view_menu.addSeparator()
        self.language_menu = view_menu.addMenu(translate("MainWindow", "&Language"))
        self.language_menu.setToolTipsVisible(True)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        chosen = self.settings.language
        for value, words in LANGUAGE_CHOICES:
            caption = translate("MainWindow", words) if value == LANGUAGE_SYSTEM else words
            action = QAction(caption, self.language_group)
            action.setCheckable(True)
            action.setChecked(value == chosen)
            action.setData(value)
            action.setToolTip(translate("MainWindow", "The window changes language at once"))
            self.language_menu.addAction(action)
            self.language_actions[value] = action

        toolbar = QToolBar(translate("MainWindow", "Main"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        self.profile_combo = QComboBox()
        self.profile_combo.setMinimumContentsLength(16)
        self.profile_combo.setToolTip(
            translate("MainWindow", "Which platform account the window works with")
        )
        toolbar.addWidget(QLabel(translate("MainWindow", " Profile: ")))
        toolbar.addWidget(self.profile_combo)
        toolbar.addAction(self.profiles_action)
        toolbar.addSeparator()
        toolbar.addAction(self.refresh_action)
        toolbar.addAction(self.cancel_action)
        self.addToolBar(toolbar)

        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setToolTip(translate("MainWindow", "Working…"))
        self.busy_bar.hide()
        self.receiver_label = QLabel()
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.receiver_label)

        chain: list[QWidget] = [
            self.machines.filter_edit,
            self.machines.view,
            self.machines.number_edit,
            self.machines.use_button,
            *self.order_panel.tab_chain(),
        ]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)

        self._drain_timer = QTimer(self)
        self._drain_timer.setInterval(DRAIN_MS)
        self._callback_timer = QTimer(self)
        self._callback_timer.setSingleShot(True)
        self._callback_timer.setInterval(CALLBACK_REFRESH_MS)
        self._timeout_timer = QTimer(self)
        self._timeout_timer.setInterval(TIMEOUT_CHECK_MS)
        self._lists_timer = QTimer(self)
        self._lists_timer.setSingleShot(True)
        self._lists_timer.setInterval(LISTS_REFRESH_MS)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_AFTER_MS)

    def keep_on_screen(self) -> None:
        """Fit the (restored) window into the available part of the screen it is on: a
        geometry saved on a larger or second screen does not open off-screen."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        self.setGeometry(fit_rect(self.geometry(), screen.availableGeometry(), self.minimumSize()))

    def _splitters(self) -> list[QSplitter]:
        """The splitters whose sizes are kept between runs (built ones only)."""
        found = [self.work_splitter, *self.log_pane.findChildren(QSplitter)]
        found += self.followups.findChildren(QSplitter)
        if self._troubleshoot is not None:
            found += self._troubleshoot.findChildren(QSplitter)
        return [s for s in found if s.objectName()]

    def _restore_splitters(self, within: QWidget | None = None) -> None:
        for splitter in self._splitters():
            if within is not None and not within.isAncestorOf(splitter):
                continue
            state = self.settings.splitter_state(splitter.objectName())
            if state is not None:
                splitter.restoreState(state)

    @Slot(bool)
    def _log_toggled(self, shown: bool) -> None:
        """Hidden, the log gives its height to the tabs; shown again, it takes the height
        it had back from them, and the window keeps its size."""
        if not shown:
            self._log_height = self.log_pane.open_height()
            return
        if self._log_height > 0 and not self.log_pane.collapsed:
            self.resizeDocks([self.log_pane], [self._log_height], Qt.Orientation.Vertical)

    def _connect(self) -> None:
        self.refresh_action.triggered.connect(self.refresh)
        self.cancel_action.triggered.connect(self.cancel_work)
        self.profiles_action.triggered.connect(self.open_profiles_dialog)
        self.reset_sandbox_action.triggered.connect(self.reset_sandbox)
        self.focus_order_action.triggered.connect(self.focus_order)
        self.apply_action.triggered.connect(self.apply_shortcut)
        self.find_action.triggered.connect(self.log_pane.focus_search)
        self.quit_action.triggered.connect(self.close)
        self.language_group.triggered.connect(self._language_chosen)
        self.profile_combo.activated.connect(self._profile_chosen)
        self.machines.machine_chosen.connect(self.order_panel.set_machine)
        self.machines.machine_chosen.connect(self._machine_chosen)  # after the order panel
        self.tabs.currentChanged.connect(self._tab_changed)
        self.followups.count_changed.connect(self._followups_counted)
        self.followups.order_changed.connect(self.order_panel.reload_order)
        self.ws.order_requested.connect(self.show_order)
        self.ws.message_posted.connect(self._message)
        self.ws.journal_changed.connect(self._journal_changed)
        self._lists_timer.timeout.connect(self._reload_lists)
        self.runner.busy_changed.connect(self._busy_changed)
        self._drain_timer.timeout.connect(self.drain)
        self._callback_timer.timeout.connect(self._after_callbacks)
        self._timeout_timer.timeout.connect(self.check_timeouts)
        self._idle_timer.timeout.connect(self._idle)

    # -- profiles and environments --------------------------------------------------------------

    def start(self, profile_name: str) -> None:
        """Start the batched updates and open ``profile_name``."""
        self._drain_timer.start()
        self._timeout_timer.start()
        self.reload_profiles(profile_name)
        self.open_profile(profile_name)

    def reload_profiles(self, select: str = "") -> None:
        self.runner.submit(
            POOL_SECRETS,
            list_profiles,
            self.profiles,
            on_success=self._profiles_listed,
            on_failure=self._profiles_failed,
            context=select,
        )

    @Slot(object, object)
    def _profiles_listed(self, select: str, profiles: list[Profile]) -> None:
        self.profile_combo.clear()
        self.profile_combo.addItem(
            translate("MainWindow", "{name} (built in)").format(name=SANDBOX_PROFILE),
            SANDBOX_PROFILE,
        )
        for p in profiles:
            self.profile_combo.addItem(p.name, p.name)
        current = self.ws.env.profile.name if self.ws.env else select or self._opening
        self.profile_combo.setCurrentIndex(max(0, self.profile_combo.findData(current)))

    @Slot(object, object)
    def _profiles_failed(self, _: object, exc: BaseException) -> None:
        self._message(
            LEVEL_ERROR,
            translate("MainWindow", "Profiles not read: {error}").format(error=describe_error(exc)),
        )

    @Slot(int)
    def _profile_chosen(self, index: int) -> None:
        name = str(self.profile_combo.itemData(index) or "")
        current = self.ws.env.profile.name if self.ws.env else ""
        if name and name != current:
            self.open_profile(name)

    def open_profile(self, name: str) -> None:
        if self._opening:
            return
        if self.runner.running(POOL_API):
            self._message(
                LEVEL_WARN,
                translate(
                    "MainWindow",
                    "Work is still running: let it finish or cancel it (Esc) before switching "
                    "profile.",
                ),
            )
            self._select_profile_item()
            return
        self._close_env_to_open(
            name, translate("MainWindow", "Opening profile “{name}”…").format(name=name)
        )
        if self._first_paint.pending():
            self._first_paint.after(lambda: self._submit_open(name))
        else:
            self._submit_open(name)

    def _close_env_to_open(self, name: str, banner: str) -> None:
        """Let go of the open profile (its journal closes after the journal thread's pending
        work, which may still use it) while profile ``name`` opens."""
        old = self.ws.env
        self.ws.set_env(None)
        if old is not None:
            self.runner.submit(POOL_JOURNAL, old.close)
        self._opening = name
        self.profile_combo.setEnabled(False)
        self.banner.show_none(banner)
        self.receiver_label.clear()

    @Slot()
    def reset_sandbox(self) -> None:
        """Ask, then start the built-in sandbox as a new world and open it."""
        if not self.factory.owns_sandbox or self._opening or self._shut_down:
            return
        if self.runner.running(POOL_API):
            self._message(
                LEVEL_WARN,
                translate(
                    "MainWindow",
                    "Work is still running: let it finish or cancel it (Esc) before resetting "
                    "the sandbox.",
                ),
            )
            return
        question = Question(
            title=translate("MainWindow", "Reset the sandbox?"),
            text=translate(
                "MainWindow",
                "Start the built-in sandbox afresh? Its orders, dispenses and stock are "
                "replaced by new demo data.",
            ),
            action=translate("MainWindow", "Reset sandbox"),
            detail=translate(
                "MainWindow",
                "The journal keeps what was done with the old sandbox's orders, marked as "
                "from a previous sandbox: Recent and Follow-ups no longer list them. Real "
                "platforms and their profiles are not touched.",
            ),
        )
        if not self.ws.confirm(question):
            return
        self._close_env_to_open(SANDBOX_PROFILE, translate("MainWindow", "Resetting the sandbox…"))
        self.runner.submit(
            POOL_API,
            self._reset_and_open,
            on_success=self._env_opened,
            on_failure=self._env_failed,
            context=SANDBOX_PROFILE,
        )

    def _reset_and_open(self) -> Environment:
        """(Worker thread.) A new sandbox world, then the Sandbox profile on it."""
        self.factory.reset_sandbox()
        return self.factory.open(SANDBOX_PROFILE)

    def _submit_open(self, name: str) -> None:
        if self._shut_down:
            return
        self.runner.submit(
            POOL_API,
            self.factory.open,
            name,
            on_success=self._env_opened,
            on_failure=self._env_failed,
            context=name,
        )

    @Slot(object, object)
    def _env_opened(self, name: str, env: Environment) -> None:
        self._opening = ""
        self.profile_combo.setEnabled(True)
        if self._shut_down:
            env.close()
            return
        self.ws.set_env(env)
        self.banner.show_env(env)
        self.setWindowTitle(f"{translate('MainWindow', APP_TITLE)} — {banner_title(env)}")
        self.receiver_label.setText(
            translate("MainWindow", "Callbacks: {url}").format(url=env.masked_notify_url)
        )
        self.settings.last_profile = name
        self._select_profile_item()
        if env.journal.recovered:
            self._message(
                LEVEL_WARN,
                translate(
                    "MainWindow",
                    "{count} action(s) from an earlier session ended without "
                    "an answer: check those orders before acting on them again.",
                ).format(count=len(env.journal.recovered)),
            )
        else:
            self._message(
                LEVEL_OK, translate("MainWindow", "Profile “{name}” is open.").format(name=name)
            )
        # Dispenses an earlier session left without a result are asked about now, not in
        # 15 s: nothing opens before the platform has answered.
        self.check_timeouts()

    @Slot(object, object)
    def _env_failed(self, name: str, exc: BaseException) -> None:
        self._opening = ""
        self.profile_combo.setEnabled(True)
        self.setWindowTitle(translate("MainWindow", APP_TITLE))
        text = describe_error(exc)
        if isinstance(exc, KeyringUnavailable):
            text += translate(
                "MainWindow", " Open File ▸ Profiles… to keep secrets for this session only."
            )
        text = translate("MainWindow", "Profile “{name}” is not open: {error}").format(
            name=name, error=text
        )
        self.banner.show_none(text)
        self._message(LEVEL_ERROR, text)
        self._select_profile_item()

    def _select_profile_item(self) -> None:
        name = self.ws.env.profile.name if self.ws.env else ""
        index = self.profile_combo.findData(name)
        if index >= 0:
            self.profile_combo.setCurrentIndex(index)

    @Slot()
    def open_profiles_dialog(self) -> None:
        dialog = self.profiles_dialog()
        dialog.exec()

    def profiles_dialog(self) -> ProfilesDialog:
        dialog = ProfilesDialog(self.runner, self.profiles, self.secrets, self)
        dialog.profiles_changed.connect(self._profiles_edited)
        return dialog

    @Slot(str)
    def _profiles_edited(self, name: str) -> None:
        self.reload_profiles()
        if self.ws.env is not None and self.ws.env.profile.name == name:
            self._message(
                LEVEL_WARN,
                translate(
                    "MainWindow", "Profile “{name}” changed: choose it again to use it."
                ).format(name=name),
            )

    # -- work ------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        if self.ws.env is None:
            return
        self.machines.refresh()
        self.order_panel.refresh()
        self.followups.reload()
        if self._troubleshoot is not None and self._troubleshoot.active:
            self._troubleshoot.check()

    @Slot()
    def cancel_work(self) -> None:
        count = self.runner.cancel_all()
        if count:
            self._message(
                LEVEL_WARN,
                translate("MainWindow", "Cancelling: running work stops at its next safe point."),
            )

    @Slot()
    def focus_order(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.order_panel.order_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.order_panel.order_edit.selectAll()

    @Slot()
    def apply_shortcut(self) -> None:
        if self.tabs.currentIndex() == 0 and self.order_panel.apply_button.isEnabled():
            self.order_panel.apply_status()

    @Slot(int, str)
    def show_order(self, order_id: int, machine_no: str) -> None:
        self.tabs.setCurrentIndex(0)
        if machine_no:
            self.order_panel.set_machine(machine_no)
        self.order_panel.open_order(order_id)

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self._troubleshoot_page:
            self.troubleshoot.set_active(True)  # built on first use, in place of the empty page
        elif self._troubleshoot is not None:
            self._troubleshoot.set_active(False)

    @property
    def troubleshoot(self) -> TroubleshootView:
        """The Troubleshoot tab's view, built (in place of its empty page) on first use."""
        if self._troubleshoot is None:
            from console.ui.troubleshoot_view import TroubleshootView

            view = TroubleshootView(self.ws, self.machines.machine, self.machine_dispensing)
            view.set_machine(self.order_panel.machine_no)  # the machine chosen so far
            index = self.tabs.indexOf(self._troubleshoot_page)
            current = self.tabs.currentIndex()
            self.tabs.blockSignals(True)  # the same tab, another page: not a tab change
            try:
                self.tabs.removeTab(index)
                self.tabs.insertTab(index, view, translate("TroubleshootView", TROUBLESHOOT_TITLE))
                self.tabs.setCurrentIndex(current)
            finally:
                self.tabs.blockSignals(False)
            self._troubleshoot_page.deleteLater()
            self._troubleshoot_page = view
            self._troubleshoot = view
            self._restore_splitters(view)
        return self._troubleshoot

    @Slot(str)
    def _machine_chosen(self, machine_no: str) -> None:
        if self._troubleshoot is not None:
            self._troubleshoot.set_machine(machine_no)

    def machine_dispensing(self, machine_no: str) -> bool:
        """Whether the order panel is dispensing on ``machine_no`` (its lock notice shows)."""
        panel = self.order_panel
        view = panel.view
        return (
            panel.lock_label.isVisibleTo(panel)
            and view is not None
            and view.machine_no == machine_no
        )

    @Slot(int)
    def _followups_counted(self, count: int) -> None:
        text = translate("MainWindow", "Follow-ups ({count})").format(count=count)
        if self.tabs.tabText(1) != text:  # setting it, even unchanged, re-lays-out the window
            self.tabs.setTabText(1, text)
        # While something is open the tab stands out: a mark and red words; at 0 it is plain.
        open_now = count > 0
        if open_now != self.followups_stand_out:
            self.followups_stand_out = open_now
            bar = self.tabs.tabBar()
            bar.setTabIcon(1, state_icon("attention") if open_now else QIcon())
            bar.setTabTextColor(1, QColor(FOLLOWUPS_OPEN_COLOUR) if open_now else QColor())

    @Slot(bool)
    def _busy_changed(self, busy: bool) -> None:
        """Busy: show it at once. Idle: only once nothing has run for IDLE_AFTER_MS."""
        if not busy:
            self._idle_timer.start()
            return
        self._idle_timer.stop()
        if not self.busy_bar.isVisibleTo(self):
            self.busy_bar.show()
        if not self.cancel_action.isEnabled():
            self.cancel_action.setEnabled(True)

    @Slot()
    def _idle(self) -> None:
        if not self.runner.busy:
            self.busy_bar.hide()
            self.cancel_action.setEnabled(False)

    @Slot(str, str)
    def _message(self, level: str, text: str) -> None:
        self.statusBar().showMessage(text, 20_000 if level in (LEVEL_WARN, LEVEL_ERROR) else 8_000)

    @Slot(QAction)
    def _language_chosen(self, action: QAction) -> None:
        """Store the language and show the window in it at once."""
        value = str(action.data())
        if value == self.settings.language:
            return
        self.settings.language = value
        self.settings.sync()
        language = resolve_language(value)
        if not install_language(language):
            log.warning("no %s translation found: the window stays in English", language)
        self.show_language()
        self._message(LEVEL_OK, translate("MainWindow", "Language changed."))

    def show_language(self) -> None:
        """Every text of the window (and of dialogs built but not shown) in the language
        installed now: what ``translate`` made, then what the panels compute from data."""
        retranslate_widgets(QApplication.allWidgets())
        env = self.ws.env
        title = translate("MainWindow", APP_TITLE)
        self.setWindowTitle(f"{title} — {banner_title(env)}" if env is not None else title)

    # -- batched updates --------------------------------------------------------------------

    @Slot()
    def drain(self) -> None:
        """Move what the feed collected into the log pane; note callbacks for a refresh."""
        entries, callbacks = self.feed.drain()
        if entries:
            self.log_pane.append(entries)
        if callbacks:
            self._note_callbacks(callbacks)

    def _note_callbacks(self, rows: list[CallbackRow]) -> None:
        self._pending_orders.update(r.order_id for r in rows if r.order_id is not None)
        # Order dispenses only: a test dispense's failure has no order and opens no follow-up.
        failures = [
            r for r in rows if r.outcome == "failure" and r.counts and r.order_id is not None
        ]
        if failures:
            last = failures[-1]
            self._message(
                LEVEL_ERROR,
                translate(
                    "MainWindow",
                    "Dispense failed: order {order} record {record} — {reason}. "
                    "A follow-up was opened.",
                ).format(
                    order=last.order_id,
                    record=last.record_id,
                    reason=last.error_msg or translate("MainWindow", "no reason given"),
                ),
            )
        if not self._callback_timer.isActive():
            self._callback_timer.start()

    @Slot()
    def _journal_changed(self) -> None:
        """Something was journalled: re-read the lists once things settle, not per action."""
        if not self._lists_timer.isActive():
            self._lists_timer.start()

    @Slot()
    def _reload_lists(self) -> None:
        if self.ws.env is not None:
            self.order_panel.reload_recent()
            self.followups.reload()

    @Slot()
    def _after_callbacks(self) -> None:
        orders, self._pending_orders = self._pending_orders, set()
        if self.ws.env is None:
            return
        self.followups.reload()
        self.order_panel.reload_recent()
        self.order_panel.reload_if_showing(orders)

    @Slot()
    def check_timeouts(self) -> None:
        """Every 15 s (and soon after start): anything to ask the platform about? A
        dispense without a result after 120 s, a "result unknown" follow-up due for a
        re-check, a result callback nobody confirmed. Then ask it (``run_checks``)."""
        env = self.ws.env
        if env is not None:
            self.ws.submit(POOL_JOURNAL, env.ops.checks_due, on_success=self._checks_due)

    @Slot(object, object)
    def _checks_due(self, job: Job, due: bool) -> None:
        env = self.ws.env
        if self.ws.stale(job) or env is None or not due:
            return
        self.ws.submit(POOL_API, env.ops.run_checks, on_success=self._timeouts_checked)

    @Slot(object, object)
    def _timeouts_checked(self, job: Job, checks: Checks) -> None:
        if self.ws.stale(job):
            return
        for late in checks.late:
            self.feed.push(
                entry_from_cross_check(
                    late.callback_id,
                    late.verdict,
                    late.detail,
                    machine_no=late.machine_no,
                    order_id=late.order_id,
                )
            )
        needs_refund = ("follow-up opened", "result unknown", "confirmed failed")
        opened = [c for c in checks.overdue if c.decision in needs_refund]
        closed = [c for c in checks.overdue if c.decision == "follow-up closed"]
        if opened:
            orders = ", ".join(dict.fromkeys(str(c.order_id) for c in opened))
            self._message(
                LEVEL_ERROR,
                translate(
                    "MainWindow",
                    "No dispense result within 120 s for order(s) {orders}: the platform was "
                    "asked; follow-up opened.",
                ).format(orders=orders),
            )
        elif closed:
            orders = ", ".join(dict.fromkeys(str(c.order_id) for c in closed))
            self._message(
                LEVEL_OK,
                translate(
                    "MainWindow",
                    "The platform says the item is out for order(s) {orders}: their "
                    "follow-ups closed by themselves; no refund is owed.",
                ).format(orders=orders),
            )
        if checks.late or checks.overdue:
            self.followups.reload()
            self.order_panel.reload_if_showing({c.order_id for c in checks.overdue})

    # -- quitting ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._shut_down and self.runner.busy:
            question = Question(
                title=translate("MainWindow", "Quit with work running?"),
                text=translate("MainWindow", "Work is still running. Quit anyway?"),
                action=translate("MainWindow", "Quit"),
                detail=translate(
                    "MainWindow",
                    "Running work is cancelled at its next safe point; a request already sent "
                    "finishes and its outcome is written to the journal before the console "
                    "closes.",
                ),
            )
            if not self.ws.confirm(question):
                event.ignore()
                return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop timers, cancel and wait for work, then the receiver, journal and sandbox."""
        if self._shut_down:
            return
        self._shut_down = True
        # A tab change signalled while the window is later torn down or garbage
        # collected would reach a half-destroyed window.
        self.tabs.currentChanged.disconnect(self._tab_changed)
        for timer in (self._drain_timer, self._callback_timer, self._timeout_timer):
            timer.stop()
        self.settings.follow_tail = self.log_pane.follow_check.isChecked()
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.log_collapsed = self.log_pane.collapsed
        shown = self.log_pane.isVisibleTo(self)
        self.settings.log_height = self.log_pane.open_height() if shown else self._log_height
        for splitter in self._splitters():
            self.settings.save_splitter(splitter.objectName(), splitter.saveState())
        self.settings.sync()
        self.runner.shutdown()
        env = self.ws.env
        self.ws.set_env(None)  # results still queued for the old environment are dropped
        if env is not None:
            env.close()
        self.factory.close()
