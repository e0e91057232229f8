"""Add and edit profiles; secrets go to the OS keyring, through the secrets thread.

The dialog says which keyring backend holds the secrets. Without a usable
keyring it says so plainly and offers "keep for this session only" — secrets
are never written to a file.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.api.errors import ConfigError
from console.credentials import KeyringUnavailable, Profile, ProfileStore
from console.credentials.profiles import SANDBOX_PROFILE
from console.tasks import profiles as work
from console.tasks.environment import SecretsAccess
from console.tasks.runner import POOL_API, POOL_SECRETS, TaskRunner
from console.ui.dialogs import Question, confirm
from console.ui.texts import QT_TRANSLATE_NOOP, describe_error, translate

ERROR_STYLE = "color:#b71c1c;"
OK_STYLE = "color:#1b5e20;"
SECRET_FIELDS = (
    ("app_secret", QT_TRANSLATE_NOOP("ProfilesDialog", "AppSecret")),
    ("sign_key", QT_TRANSLATE_NOOP("ProfilesDialog", "sign key")),
)


class ProfilesDialog(QDialog):
    """Signals: ``profiles_changed(str)`` — the profile saved or deleted."""

    profiles_changed = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        profiles: ProfileStore,
        secrets: SecretsAccess,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ProfilesDialog", "Profiles"))
        self.setMinimumSize(820, 440)
        self.runner = runner
        self.profiles = profiles
        self.secrets = secrets
        self.confirm: Callable[[Question], bool] = lambda q: confirm(self, q)
        self.store_usable = False
        self._profiles: dict[str, Profile] = {}
        self._stored: dict[str, bool] = {}
        self._busy = False
        self._build()
        self.refresh()

    # -- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName(translate("ProfilesDialog", "Profiles"))
        self.list.setMinimumWidth(190)
        self.new_button = QPushButton(translate("ProfilesDialog", "&New profile"))
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        layout.addLayout(left, 1)

        right = QVBoxLayout()
        self.backend_label = QLabel(translate("ProfilesDialog", "Checking the OS keyring…"))
        self.backend_label.setTextFormat(Qt.TextFormat.PlainText)
        self.backend_label.setWordWrap(True)
        self.session_check = QCheckBox(
            translate(
                "ProfilesDialog",
                "&Keep secrets for this session only (they are forgotten when the console closes)",
            )
        )
        self.session_check.hide()
        right.addWidget(self.backend_label)
        right.addWidget(self.session_check)

        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.base_url_edit = QLineEdit()
        self.base_url_edit.setPlaceholderText("https://www.awish.vip")
        self.appid_edit = QLineEdit()
        self.appid_edit.setPlaceholderText(translate("ProfilesDialog", "ds + 16 hex characters"))
        self.app_secret_edit = QLineEdit()
        self.sign_key_edit = QLineEdit()
        for edit in (self.app_secret_edit, self.sign_key_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.notify_edit = QLineEdit()
        self.notify_edit.setPlaceholderText(
            translate("ProfilesDialog", "e.g. https://tunnel.example.com (optional)")
        )
        self.notify_edit.setToolTip(
            translate(
                "ProfilesDialog",
                "The public address that forwards to this computer's receiver; the console adds "
                "/notify/<token>. Empty: the platform must reach this computer directly.",
            )
        )
        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 65535)
        self.port_spin.setSpecialValueText(translate("ProfilesDialog", "any free port"))
        form.addRow(translate("ProfilesDialog", "N&ame:"), self.name_edit)
        form.addRow(translate("ProfilesDialog", "&Base URL:"), self.base_url_edit)
        form.addRow(translate("ProfilesDialog", "Ap&pid:"), self.appid_edit)
        form.addRow(translate("ProfilesDialog", "AppS&ecret:"), self.app_secret_edit)
        form.addRow(translate("ProfilesDialog", "Si&gn key (merchant id):"), self.sign_key_edit)
        form.addRow(translate("ProfilesDialog", "Public notify &URL:"), self.notify_edit)
        form.addRow(translate("ProfilesDialog", "Receiver p&ort:"), self.port_spin)
        right.addLayout(form)
        self.sandbox_label = QLabel(
            translate(
                "ProfilesDialog",
                "The built-in sandbox starts a simulated platform and the callback receiver on "
                "this computer: nothing to configure, nothing real happens.",
            )
        )
        self.sandbox_label.setWordWrap(True)
        self.sandbox_label.hide()
        right.addWidget(self.sandbox_label)

        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)  # may quote an HTML error page
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.result_label)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(translate("ProfilesDialog", "&Save"))
        self.test_button = QPushButton(translate("ProfilesDialog", "&Test connection"))
        self.delete_button = QPushButton(translate("ProfilesDialog", "&Delete…"))
        for b in (self.save_button, self.test_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        right.addLayout(buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        right.addWidget(close)
        layout.addLayout(right, 2)

        self.list.currentItemChanged.connect(self._item_changed)
        self.new_button.clicked.connect(self.new_profile)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test_connection)
        self.delete_button.clicked.connect(self.delete)
        self.session_check.toggled.connect(self._session_toggled)

    # -- loading ---------------------------------------------------------------------------

    def refresh(self, select: str = "") -> None:
        self.describe_store()
        self.runner.submit(
            POOL_SECRETS,
            work.list_profiles,
            self.profiles,
            on_success=self._listed,
            on_failure=self._failed,
            context=select,
        )

    def describe_store(self) -> None:
        self.runner.submit(
            POOL_SECRETS,
            work.describe_store,
            self.secrets,
            on_success=self._store_described,
            on_failure=self._store_failed,
        )

    @Slot(object, object)
    def _store_described(self, _: object, description: str) -> None:
        self.store_usable = True
        self.backend_label.setStyleSheet(OK_STYLE)
        self.backend_label.setText(
            translate("ProfilesDialog", "Secrets are kept in: {store}.").format(store=description)
        )
        if self.secrets.session_only:  # chosen already: say so, there is no way back to files
            self.session_check.blockSignals(True)
            self.session_check.setChecked(True)
            self.session_check.blockSignals(False)
            self.session_check.setEnabled(False)
        self.session_check.setVisible(self.secrets.session_only)
        self._update()

    @Slot(object, object)
    def _store_failed(self, _: object, exc: BaseException) -> None:
        self.store_usable = False
        self.backend_label.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, KeyringUnavailable):
            text = translate(
                "ProfilesDialog",
                "No usable OS keyring: {error} Secrets will not be saved to disk. "
                "Tick the box below to keep them for this session only.",
            ).format(error=exc)
        else:
            text = translate("ProfilesDialog", "The keyring could not be checked: {error}").format(
                error=describe_error(exc)
            )
        self.backend_label.setText(text)
        self.session_check.show()
        self._update()

    @Slot(bool)
    def _session_toggled(self, on: bool) -> None:
        if on:
            self.secrets.use_session_only()
            self.describe_store()
        self._update()

    @Slot(object, object)
    def _listed(self, select: str, profiles: list[Profile]) -> None:
        self._profiles = {p.name: p for p in profiles}
        self.list.blockSignals(True)
        self.list.clear()
        builtin = QListWidgetItem(
            translate("ProfilesDialog", "{name} (built in)").format(name=SANDBOX_PROFILE)
        )
        builtin.setData(Qt.ItemDataRole.UserRole, SANDBOX_PROFILE)
        self.list.addItem(builtin)
        for p in profiles:
            item = QListWidgetItem(p.name)
            item.setData(Qt.ItemDataRole.UserRole, p.name)
            self.list.addItem(item)
        names = [SANDBOX_PROFILE, *self._profiles]
        self.list.setCurrentRow(names.index(select) if select in names else (1 if profiles else 0))
        self.list.blockSignals(False)
        self._show_current()

    def current_name(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def is_new(self) -> bool:
        return self.list.currentItem() is None

    @Slot()
    def _item_changed(self, *_: object) -> None:
        """The operator picked another profile."""
        self.result_label.clear()
        self._show_current()

    def _show_current(self) -> None:
        name = self.current_name()
        self._stored = {}
        profile = self._profiles.get(name)
        self.sandbox_label.setVisible(name == SANDBOX_PROFILE)
        if name == SANDBOX_PROFILE:
            self._fill(None)
        else:
            self._fill(profile)
            if profile is not None and self.store_usable:
                self.runner.submit(
                    POOL_SECRETS,
                    work.stored_kinds,
                    self.secrets,
                    name,
                    on_success=self._kinds_loaded,
                    on_failure=self._failed,
                    context=name,
                )
        self._update()

    def _fill(self, profile: Profile | None) -> None:
        p = profile or Profile("", "")
        self.name_edit.setText(p.name)
        self.base_url_edit.setText(p.base_url)
        self.appid_edit.setText(p.appid)
        self.notify_edit.setText(p.public_notify_url)
        self.port_spin.setValue(p.receiver_port)
        self.app_secret_edit.clear()
        self.sign_key_edit.clear()
        self._show_secret_hints()

    @Slot(object, object)
    def _kinds_loaded(self, name: str, kinds: dict[str, bool]) -> None:
        if name == self.current_name():
            self._stored = kinds
            self._show_secret_hints()

    def _show_secret_hints(self) -> None:
        for (kind, label), edit in zip(
            SECRET_FIELDS, (self.app_secret_edit, self.sign_key_edit), strict=True
        ):
            words = translate("ProfilesDialog", label)
            if self._stored.get(kind):
                text = translate(
                    "ProfilesDialog", "{secret} stored — type to replace, leave empty to keep"
                )
            else:
                text = translate("ProfilesDialog", "{secret} not stored yet")
            edit.setPlaceholderText(text.format(secret=words))

    def _update(self) -> None:
        name = self.current_name()
        editable = name != SANDBOX_PROFILE
        for w in (
            self.base_url_edit,
            self.appid_edit,
            self.app_secret_edit,
            self.sign_key_edit,
            self.notify_edit,
            self.port_spin,
        ):
            w.setEnabled(editable)
        self.name_edit.setEnabled(editable and self.is_new())
        can_store = self.store_usable or self.session_check.isChecked()
        self.save_button.setEnabled(editable and can_store and not self._busy)
        self.test_button.setEnabled(editable and not self._busy)
        self.delete_button.setEnabled(
            editable and not self.is_new() and can_store and not self._busy
        )

    # -- actions ---------------------------------------------------------------------------

    @Slot()
    def new_profile(self) -> None:
        self.list.setCurrentRow(-1)
        self._stored = {}
        self._fill(None)
        self.result_label.clear()
        self._update()
        self.name_edit.setFocus()

    def form_profile(self) -> Profile:
        """The profile the form describes; raises ``ValueError`` with what to fix."""
        name = self.name_edit.text().strip()
        if not name:
            raise ValueError(translate("ProfilesDialog", "Give the profile a name."))
        if name == SANDBOX_PROFILE:
            raise ValueError(
                translate(
                    "ProfilesDialog", "{name} is the built-in profile: choose another name."
                ).format(name=repr(SANDBOX_PROFILE))
            )
        if self.is_new() and name in self._profiles:
            raise ValueError(
                translate("ProfilesDialog", "A profile named {name} exists already.").format(
                    name=repr(name)
                )
            )
        from console.api.client import normalise_base_url

        try:
            base_url = normalise_base_url(self.base_url_edit.text())
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        appid = self.appid_edit.text().strip()
        if not appid:
            raise ValueError(
                translate(
                    "ProfilesDialog", "The Appid is needed (from the platform's developer centre)."
                )
            )
        old = self._profiles.get(name)
        return Profile(
            name=name,
            base_url=base_url,
            appid=appid,
            public_notify_url=self.notify_edit.text().strip(),
            receiver_host=old.receiver_host if old else "127.0.0.1",
            receiver_port=self.port_spin.value(),
            connect_timeout=old.connect_timeout if old else 5.0,
            read_timeout=old.read_timeout if old else 15.0,
        )

    def _checked_profile(self) -> Profile | None:
        """The form's profile, or ``None`` once the operator has been told what to fix."""
        try:
            return self.form_profile()
        except ValueError as exc:
            self._say(False, str(exc))
            return None

    def _typed_secrets(self) -> dict[str, str]:
        return {
            "app_secret": self.app_secret_edit.text().strip(),
            "sign_key": self.sign_key_edit.text().strip(),
        }

    def _say(self, ok: bool, text: str) -> None:
        self.result_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.result_label.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update()

    @Slot()
    def save(self) -> None:
        profile = self._checked_profile()
        if profile is None:
            return
        typed = self._typed_secrets()
        missing = [
            translate("ProfilesDialog", label)
            for kind, label in SECRET_FIELDS
            if not typed[kind] and not self._stored.get(kind)
        ]
        if missing:
            self._say(
                False,
                translate("ProfilesDialog", "Enter the {secrets}: nothing is stored yet.").format(
                    secrets=translate("ProfilesDialog", " and the ").join(missing)
                ),
            )
            return
        self._set_busy(True)
        self.runner.submit(
            POOL_SECRETS,
            work.save_profile,
            self.profiles,
            self.secrets,
            profile,
            typed,
            on_success=self._saved,
            on_failure=self._save_failed,
            context=profile.name,
        )

    @Slot(object, object)
    def _saved(self, name: str, where: str) -> None:
        self._set_busy(False)
        self._say(
            True,
            translate("ProfilesDialog", "Profile {name} saved; its secrets are in {store}.").format(
                name=repr(name), store=where
            ),
        )
        self.profiles_changed.emit(name)
        self.refresh(name)

    @Slot(object, object)
    def _save_failed(self, name: str, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, KeyringUnavailable):  # e.g. locked: offer the session-only choice
            self._store_failed(None, exc)
        self._say(
            False,
            translate("ProfilesDialog", "Profile {name} not saved: {error}").format(
                name=repr(name), error=describe_error(exc)
            ),
        )

    @Slot()
    def delete(self) -> None:
        name = self.current_name()
        if not name or name == SANDBOX_PROFILE:
            return
        question = Question(
            title=translate("ProfilesDialog", "Delete profile {name}?").format(name=name),
            text=translate(
                "ProfilesDialog", "Delete profile {name} and its secrets from the keyring?"
            ).format(name=repr(name)),
            action=translate("ProfilesDialog", "Delete profile"),
            detail=translate(
                "ProfilesDialog",
                "Its journal entries stay. To use the account again, enter the secrets anew.",
            ),
        )
        if not self.confirm(question):
            return
        self._set_busy(True)
        self.runner.submit(
            POOL_SECRETS,
            work.delete_profile,
            self.profiles,
            self.secrets,
            name,
            on_success=self._deleted,
            on_failure=self._save_failed,
            context=name,
        )

    @Slot(object, object)
    def _deleted(self, name: str, _: str) -> None:
        self._set_busy(False)
        self._say(
            True,
            translate("ProfilesDialog", "Profile {name} and its secrets were deleted.").format(
                name=repr(name)
            ),
        )
        self.profiles_changed.emit(name)
        self.refresh()

    @Slot()
    def test_connection(self) -> None:
        profile = self._checked_profile()
        if profile is None:
            return
        typed = self._typed_secrets()
        self._set_busy(True)
        self.result_label.setStyleSheet("")
        self.result_label.setText(
            translate("ProfilesDialog", "Pinging {url}…").format(url=profile.base_url)
        )
        self.runner.submit(
            POOL_SECRETS,
            work.connection_secrets,
            self.secrets,
            profile.name,
            typed["app_secret"],
            typed["sign_key"],
            on_success=self._secrets_ready,
            on_failure=self._test_failed,
            context=profile,
        )

    @Slot(object, object)
    def _secrets_ready(self, profile: Profile, creds: work.ConnectionSecrets) -> None:
        self.runner.submit(
            POOL_API,
            work.ping,
            profile,
            creds,
            on_success=self._tested,
            on_failure=self._test_failed,
            context=profile,
        )

    @Slot(object, object)
    def _tested(self, profile: Profile, seconds: float) -> None:
        self._set_busy(False)
        self._say(
            True,
            translate("ProfilesDialog", "Connected: {url} answered in {ms:.0f} ms.").format(
                url=profile.base_url, ms=seconds * 1000
            ),
        )

    @Slot(object, object)
    def _test_failed(self, profile: Profile, exc: BaseException) -> None:
        self._set_busy(False)
        self._say(
            False,
            translate("ProfilesDialog", "Connection test failed: {error}").format(
                error=describe_error(exc)
            ),
        )

    @Slot(object, object)
    def _failed(self, _: object, exc: BaseException) -> None:
        self._say(False, describe_error(exc))
