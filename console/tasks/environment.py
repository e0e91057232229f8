"""One profile's live pieces: platform client, journal, callback receiver, sandbox.

``EnvironmentFactory.open`` runs on a worker thread (it reads the keyring and
binds sockets) and returns an ``Environment`` the window works with until it
switches profile or quits; ``Environment.close`` stops them in order.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication

from console.core.rules import platform_key, sandbox_platform_key
from console.credentials import (
    CredentialsError,
    KeyringStore,
    MemoryStore,
    Profile,
)
from console.credentials.profiles import SANDBOX_PROFILE

if TYPE_CHECKING:
    # The window's first paint needs none of these: they are imported where a
    # profile is opened (``EnvironmentFactory.open``, on a worker thread).
    from console.api.client import Client
    from console.credentials import ProfileStore, SecretStore
    from console.journal import CallbackRow, Journal
    from console.paths import Paths
    from console.receiver import Receiver
    from console.sandbox import Sandbox
    from console.tasks.logfeed import LogFeed
    from console.tasks.operations import JournalCall, Operations

log = logging.getLogger(__name__)

ENV_SANDBOX = "sandbox"
ENV_TEST = "test"  # a profile that points at this computer
ENV_PRODUCTION = "production"


@dataclass(frozen=True)
class ProfileSecrets:
    app_secret: str = field(repr=False)
    sign_key: str = field(repr=False)
    notify_token: str = field(repr=False)


class SecretsAccess:
    """Which secret store the console uses: the OS keyring, or memory if the user chose it.

    ``store()`` may block on D-Bus: call it on the secrets thread. It raises
    ``KeyringUnavailable`` when there is no usable keyring; the window then
    offers ``use_session_only()`` — never a silent fallback.
    """

    def __init__(
        self,
        store: SecretStore | None = None,
        *,
        keyring: Callable[[], SecretStore] = KeyringStore,
    ) -> None:
        self._store = store
        self._keyring = keyring
        self._lock = threading.Lock()

    def store(self) -> SecretStore:
        with self._lock:
            if self._store is None:
                self._store = self._keyring()
            return self._store

    def use_session_only(self) -> SecretStore:
        with self._lock:
            if not isinstance(self._store, MemoryStore):
                self._store = MemoryStore()
            return self._store

    @property
    def session_only(self) -> bool:
        return isinstance(self._store, MemoryStore)


def environment_kind(profile: Profile) -> str:
    if profile.is_sandbox:
        return ENV_SANDBOX
    host = urlsplit(profile.base_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return ENV_TEST if loopback else ENV_PRODUCTION


def notify_target(public_notify_url: str, token: str) -> tuple[str, str]:
    """The notify URL to give the platform, and the receiver token it carries.

    A public URL that already holds ``/notify/<token>`` is used as it is (its
    token becomes the receiver's); a base address gets ``/notify/<token>``
    appended.
    """
    from console.receiver.server import NOTIFY_PREFIX

    url = public_notify_url.strip()
    if NOTIFY_PREFIX in url:
        return url, url.split(NOTIFY_PREFIX, 1)[1].split("?", 1)[0].strip("/")
    return url.rstrip("/") + NOTIFY_PREFIX + token, token


class Environment:
    """A profile's client, journal, receiver and operations, open together."""

    def __init__(
        self,
        profile: Profile,
        client: Client,
        journal: Journal,
        receiver: Receiver,
        ops: Operations,
    ) -> None:
        self.profile = profile
        self.client = client
        self.journal = journal
        self.receiver = receiver
        self.ops = ops
        self.kind = environment_kind(profile)

    def __repr__(self) -> str:
        return f"Environment(profile={self.profile.name!r}, kind={self.kind!r})"

    @property
    def masked_notify_url(self) -> str:
        return self.client.masked(self.ops.notify_url)

    def close(self) -> None:
        """Stop the receiver first (it writes to the journal), then close the journal."""
        self.receiver.stop()
        self.journal.close()


class EnvironmentFactory:
    """Opens environments by profile name. The embedded sandbox lives as long as this.

    The sandbox it starts itself (none was given) keeps its world in the data folder
    (``Paths.sandbox_state_file``), so the next start continues it; ``reset_sandbox``
    starts a new world in its place.
    """

    def __init__(
        self,
        paths: Paths,
        profiles: ProfileStore,
        secrets: SecretsAccess,
        feed: LogFeed,
        journal_call: JournalCall,
        *,
        sandbox: Sandbox | None = None,
    ) -> None:
        self.paths = paths
        self.profiles = profiles
        self.secrets = secrets
        self.feed = feed
        self.journal_call = journal_call
        self._sandbox = sandbox
        self._owns_sandbox = sandbox is None
        self._lock = threading.Lock()

    @property
    def owns_sandbox(self) -> bool:
        """The built-in sandbox is this console's own (started here, kept in its data folder)."""
        return self._owns_sandbox

    def sandbox(self) -> Sandbox:
        with self._lock:
            if self._sandbox is None:
                self._sandbox = self._start_sandbox(fresh=False)
            return self._sandbox

    def _start_sandbox(self, fresh: bool) -> Sandbox:
        from console.sandbox import Sandbox

        self.paths.ensure()
        return Sandbox(state_file=self.paths.sandbox_state_file, fresh=fresh).start()

    def reset_sandbox(self) -> Sandbox:
        """Stop the built-in sandbox and start a new world in its place (on a worker thread).

        The orders the journal holds from the previous world stay in the file, under that
        world's scope: the new world's Sandbox profile no longer lists them.
        """
        with self._lock:
            if not self._owns_sandbox:
                raise RuntimeError("this console was given its sandbox: it cannot reset it")
            if self._sandbox is not None:
                self._sandbox.stop()  # writes the old world a last time
                self._sandbox = None
            self._sandbox = self._start_sandbox(fresh=True)
            return self._sandbox

    def close(self) -> None:
        with self._lock:
            if self._owns_sandbox and self._sandbox is not None:
                self._sandbox.stop()
                self._sandbox = None

    def load_secrets(self, profile: Profile) -> ProfileSecrets:
        """A saved profile's secrets; a missing notify token is created and stored."""
        from console.receiver import new_token

        store = self.secrets.store()
        app_secret = store.get(profile.name, "app_secret") or ""
        sign_key = store.get(profile.name, "sign_key") or ""
        missing = [n for n, v in (("AppSecret", app_secret), ("sign key", sign_key)) if not v]
        if missing:
            raise CredentialsError(
                QCoreApplication.translate(
                    "EnvironmentFactory",
                    "profile {name} has no {missing} in {store}: enter them in Profiles…",
                ).format(
                    name=repr(profile.name),
                    missing=QCoreApplication.translate("EnvironmentFactory", " or ").join(missing),
                    store=store.describe(),
                )
            )
        token = store.get(profile.name, "notify_token") or ""
        if not token:
            token = new_token()
            store.set(profile.name, "notify_token", token)
        return ProfileSecrets(app_secret, sign_key, token)

    def open(self, name: str) -> Environment:
        """Open profile ``name`` (on a worker thread)."""
        # Imported here, not at the top: the first paint of the window needs none of them.
        from console.api.client import Client
        from console.dispensing.engine import ResultWaiter
        from console.journal import Journal
        from console.logsetup import register_secrets
        from console.receiver import Receiver, new_token
        from console.tasks.logfeed import entry_from_cross_check
        from console.tasks.operations import Operations

        sandbox: Sandbox | None = None
        if name == SANDBOX_PROFILE:
            sandbox = self.sandbox()
            creds = sandbox.credentials
            profile = Profile(SANDBOX_PROFILE, sandbox.base_url, appid=creds.appid)
            secrets = ProfileSecrets(creds.app_secret, creds.sign_key, new_token())
            # Scoped by the sandbox's world, not its URL (a new port at every start): the
            # orders of a kept world are listed again; a reset world's are not.
            platform = sandbox_platform_key(sandbox.world_id)
        else:
            profile = self.profiles.get(name)
            secrets = self.load_secrets(profile)
            platform = platform_key(profile.base_url, profile.appid)
        notify_url, token = "", secrets.notify_token
        if profile.public_notify_url:
            notify_url, token = notify_target(profile.public_notify_url, secrets.notify_token)
        client = Client(
            profile.base_url,
            profile.appid,
            secrets.app_secret,
            secrets.sign_key,
            connect_timeout=profile.connect_timeout,
            read_timeout=profile.read_timeout,
            observer=self.feed.observe,
            extra_secrets=(token,),
        )
        register_secrets(client.secrets)  # masked in every log record from now on
        self.paths.ensure()
        # Scoped by platform. Rows of the built-in sandbox from before journals were
        # scoped belong to a world that is gone (its order ids started again): not adopted.
        journal = Journal.open(
            self.paths.journal_file,
            profile.name,
            platform=platform,
            adopt=not profile.is_sandbox,
        )
        waiter = ResultWaiter()
        ops = Operations(client, journal, self.journal_call, waiter, notify_url="", receiver_url="")

        def on_callback(row: CallbackRow) -> None:  # receiver thread: keep it quick
            tested = waiter.test_machine(row)  # a test dispense's callback names only the slot
            self.feed.push_callback(replace(row, order_machine=tested) if tested else row)
            waiter.notify(row)

        def on_cross_checked(callback_id: int, verdict: str, detail: str) -> None:
            # The line carries its machine and order, so filtering by them finds it. This
            # thread (the receiver's cross-check thread) writes the journal itself.
            try:
                row = journal.get_callback(callback_id)
                order_id = row.order_id if row is not None else None
                tested = waiter.test_machine(row) if row is not None else ""
                machine_no = tested or ops.order_machine(order_id)
            except Exception:
                log.exception("no context for the cross-check of callback #%s", callback_id)
                machine_no, order_id = "", None
            self.feed.push(
                entry_from_cross_check(
                    callback_id, verdict, detail, machine_no=machine_no, order_id=order_id
                )
            )

        receiver = Receiver(
            journal,
            token,
            profile.receiver_host,
            profile.receiver_port,
            on_callback=on_callback,
            cross_check=ops.cross_check,
            on_cross_checked=on_cross_checked,
        )
        try:
            receiver.start()
        except BaseException:
            journal.close()
            raise
        ops.receiver_url = receiver.url
        ops.notify_url = notify_url or receiver.url
        if sandbox is not None and self._owns_sandbox:
            # The receiver listens somewhere new at every start; the kept world's orders
            # still carry the old address, so their dispense results would go nowhere.
            sandbox.readdress_callbacks(ops.notify_url)
        return Environment(profile, client, journal, receiver, ops)
