"""``vendctl``: the console's headless face, over the same core.

Exit codes: 0 ok; 1 the platform refused; 2 bad input (nothing sent);
3 transport failure; 4 credentials missing or keyring unusable.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

from console import __version__
from console.api import client as api
from console.api.errors import ApiError, ConfigError, PlatformRefused, TransportError
from console.api.signing import PayloadError, decode_payload, encode_payload, sign, verify
from console.core.callback import safe_excerpt
from console.core.errors import PortInUse
from console.core.faults import fault_meaning
from console.core.followup import FollowupError
from console.core.models import Delivery
from console.core.rules import (
    DEVICE_TIMEOUT_S,
    ORDER_WINDOW_S,
    BadInput,
    check_id,
    check_machine_no,
    check_trade_id,
    platform_key,
)
from console.core.status import (
    RECORD_NOT_PICKED_UP,
    OrderStatus,
    is_dispensable,
    parse_status,
    query_text_label,
)
from console.core.texts import QT_TRANSLATE_NOOP, TextError, text
from console.credentials import CredentialsError, KeyringStore, Profile, ProfileStore
from console.credentials.sources import (  # one place for the names (vendctl serve reads them too)
    ENV_APP_SECRET,
    ENV_APPID,
    ENV_BASE_URL,
    ENV_NOTIFY_TOKEN,
    ENV_NOTIFY_URL,
    ENV_SIGN_KEY,
)
from console.dispensing import run_checks
from console.dispensing.engine import (
    DispenseEngine,
    DispenseProgress,
    JournalWaiter,
    RecordOutcome,
    journalled,
)
from console.dispensing.refund import refund_followup
from console.i18n import (
    ENV_VAR as ENV_LANG,
)
from console.i18n import (
    LANGUAGES,
    TranslationMissing,
    default_language,
    translated,
    use_language,
)
from console.journal.store import IntentClash, JournalError
from console.logsetup import register_secrets, setup_logging, teardown_logging
from console.paths import app_paths

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2
EXIT_TRANSPORT = 3
EXIT_CREDENTIALS = 4


class CliExit(Exception):
    def __init__(self, code: int, message: str = "") -> None:
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Creds:
    base_url: str
    appid: str
    app_secret: str
    sign_key: str
    profile: str
    notify_url: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 15.0


class Out:
    """Where the CLI writes: human lines, or one JSON document with --json."""

    def __init__(self, as_json: bool, stdout: TextIO, stderr: TextIO) -> None:
        self.as_json = as_json
        self.stdout = stdout
        self.stderr = stderr

    def line(self, text: str = "") -> None:
        if not self.as_json:
            print(text, file=self.stdout, flush=True)

    def warn(self, text: str) -> None:
        print(f"warning: {text}", file=self.stderr, flush=True)

    def json(self, obj: Any) -> None:
        if self.as_json:
            print(
                json.dumps(_plain(obj), ensure_ascii=False, indent=2), file=self.stdout, flush=True
            )


def _plain(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return _plain(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, bytes):
        return safe_excerpt(obj, 4000)
    return obj


def _load_chinese(out: Out) -> None:
    """Load the Chinese translation for the fields that carry both languages (a doctor's
    ``meaning_zh``, a refusal's ``explanation_zh``); without it they fall back to English."""
    try:
        use_language("zh")
    except TranslationMissing as exc:
        out.warn(f"{exc}: the Chinese texts are shown in English")


# -- argument parsing -----------------------------------------------------------


def _global_options(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the sub-command.

    On sub-parsers the defaults are suppressed so that a value given before
    the sub-command is not overwritten by the sub-parser's default.
    """
    d: Any = argparse.SUPPRESS if suppress else None
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("global options")
    g.add_argument("--profile", default=d, help="use a saved profile (secrets from the OS keyring)")
    g.add_argument("--base-url", default=d, help=f"platform address (overrides ${ENV_BASE_URL})")
    g.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="machine-readable output",
    )
    g.add_argument("--timeout", type=float, default=d, help="read timeout in seconds (default 15)")
    g.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS if suppress else default_language(),
        help=f"language of the texts for people (default ${ENV_LANG} or en); --json stays English",
    )
    g.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show every request and answer (secrets masked) on stderr",
    )
    return p


def _write_options(p: argparse.ArgumentParser, confirm: bool = True) -> None:
    if confirm:
        p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print the exact request as curl (secrets masked); send nothing",
    )
    p.add_argument(
        "--timestamp", help="pin the payload timestamp (reproduce a payload seen elsewhere)"
    )


def build_parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="vendctl",
        description="Vending Console command line: talk to the vending platform's Open API.",
        parents=[_global_options(False)],
        epilog="Exit codes: 0 ok, 1 platform refused, 2 bad input, 3 transport failure, "
        "4 credentials missing or keyring unusable.",
    )
    top.add_argument("--version", action="version", version=f"vendctl {__version__}")
    common = _global_options(True)
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, help_: str, **kw: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, parents=[common], description=help_, **kw)

    add("ping", "check that the platform answers, and how fast")
    add("machines", "list the merchant's machines")
    p = add("machine", "show one machine")
    p.add_argument("machine_no", metavar="NO")
    p = add("products", "list a machine's slots and products (all pages)")
    p.add_argument("machine_no", metavar="NO")
    p.add_argument("--cabinet", help="only this cabinet (e.g. A)")

    p = add("order", "show, create or set the status of an order")
    osub = p.add_subparsers(dest="order_command", metavar="ACTION")
    osub.required = True
    q = osub.add_parser("show", help="show an order", parents=[common])
    q.add_argument("order_id", metavar="ID")
    q.add_argument("--machine", required=True, metavar="NO")
    q = osub.add_parser(
        "create", help="create an order (unpaid until its status is set)", parents=[common]
    )
    q.add_argument("--machine", required=True, metavar="NO")
    q.add_argument(
        "--product",
        action="append",
        required=True,
        metavar="ID[:QTY]",
        help="product id and quantity (repeat for more products)",
    )
    q.add_argument("--trade-id", help="your unique trade id, 20-32 characters (default: generated)")
    q.add_argument(
        "--notify-url", help=f"where dispense results are POSTed (default ${ENV_NOTIFY_URL})"
    )
    _write_options(q, confirm=False)
    q = osub.add_parser(
        "set-status",
        help="set an order's status: 1-6 or paid, refund, closed, revoked, paying, failed",
        parents=[common],
    )
    q.add_argument("order_id", metavar="ID")
    q.add_argument("status", metavar="STATUS")
    q.add_argument("--machine", required=True, metavar="NO")
    _write_options(q)

    p = add("dispense", "dispense a paid order's records (one after another)")
    p.add_argument("order_id", metavar="ORDER")
    p.add_argument("--machine", required=True, metavar="NO")
    p.add_argument(
        "--record", metavar="ID", help="only this record (default: every record not yet dispensed)"
    )
    _write_options(p)

    p = add("delivery", "query a dispense")
    p.add_argument("delivery_id", metavar="ID")
    p.add_argument("--machine", required=True, metavar="NO")

    p = add("test-dispense", "test-dispense one slot (troubleshooting; an item drops)")
    p.add_argument("--machine", required=True, metavar="NO")
    p.add_argument("--slot", required=True, metavar="NAME", help="slot name, e.g. A20")
    p.add_argument("--notify-url", help=f"where the result is POSTed (default ${ENV_NOTIFY_URL})")
    _write_options(p)

    p = add(
        "doctor",
        "check one machine: platform, clock, online state, slots; faults in plain words "
        "(exit 0 nothing failed, 1 a check failed, 2 bad machine number)",
    )
    p.add_argument("machine_no", metavar="NO")  # --lang: a global option, also after "doctor"

    p = add("pickup-codes", "list a product's pickup codes")
    p.add_argument("product_id", metavar="PRODUCT")
    p.add_argument("--machine", required=True, metavar="NO")

    p = add("payload", "encode or decode a signed payload")
    psub = p.add_subparsers(dest="payload_command", metavar="ACTION")
    psub.required = True
    q = psub.add_parser(
        "encode", help="sign parameters and print the base64 payload", parents=[common]
    )
    q.add_argument("params", nargs="*", metavar="KEY=VALUE", help="parameters (or --params-json)")
    q.add_argument("--params-json", help="parameters as one JSON object")
    q.add_argument("--sign-key", help=f"sign key (default ${ENV_SIGN_KEY} or the profile's)")
    q.add_argument("--timestamp", help="pin the timestamp")
    q = psub.add_parser(
        "decode", help="decode a payload; check its sign when a key is known", parents=[common]
    )
    q.add_argument("payload", metavar="PAYLOAD")
    q.add_argument("--sign-key", help=f"sign key (default ${ENV_SIGN_KEY} or the profile's)")

    p = add("sandbox", "run the built-in sandbox platform until interrupted")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--appid")
    p.add_argument("--app-secret")
    p.add_argument("--sign-key")
    p.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    p.add_argument(
        "--state",
        metavar="FILE",
        help="keep the sandbox's world (machines, stock, orders, dispenses) in FILE: the next "
        "run on it continues where this one stopped (default: nothing is kept)",
    )
    p.add_argument(
        "--inject",
        action="append",
        default=[],
        metavar="RULE",
        help="fault rule ACTION:KIND[=ARG][#COUNT], e.g. dispense:status=503#1 or device:fail=2,Goods are Stuck",
    )

    p = add("listen", "run the callback receiver: journal every dispense result and show it")
    p.add_argument(
        "--host", default=None, help="address to bind (default 127.0.0.1 or the profile's)"
    )
    p.add_argument(
        "--port", type=int, default=None, help="port (default: the profile's, else any free port)"
    )

    p = add(
        "serve",
        "the always-on callback service for a server: the receiver plus the periodic "
        "checks the window runs (logs on stderr; docs/deploy.md)",
        epilog="Credentials: the OS keyring (--profile), else systemd credentials "
        "($CREDENTIALS_DIRECTORY/{appid,app_secret,sign_key,notify_token}), else the "
        "environment (VENDCTL_APPID, VENDCTL_APP_SECRET, VENDCTL_SIGN_KEY, "
        "VENDCTL_NOTIFY_TOKEN; VENDCTL_BASE_URL). Exit codes: 0 stopped by SIGTERM or "
        "SIGINT, 2 bad input, 3 the environment (port in use, credentials missing or "
        "readable by others, journal cannot be opened).",
    )
    p.add_argument(
        "--journal",
        metavar="URL",
        help="the journal, e.g. sqlite:////var/lib/vendctl/journal.sqlite3 (default: this "
        "user's journal)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8080, help="port to bind (default 8080)")
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the https address the platform calls, without the token "
        "(e.g. https://vend.example.com); logged as URL/notify/****",
    )
    p.add_argument(
        "--check-every",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="pause between the periodic checks (default 15, as the window)",
    )
    p.add_argument(
        "--older-than",
        type=float,
        default=DEVICE_TIMEOUT_S,
        metavar="SECONDS",
        help=f"a dispense has no result after this long (default {DEVICE_TIMEOUT_S}, the "
        "platform's timeout)",
    )

    p = add("journal", "what was sent and what came back: orders, callbacks, actions")
    jsub = p.add_subparsers(dest="journal_command", metavar="ACTION")
    jsub.required = True
    for kind in ("orders", "callbacks", "actions", "followups"):
        q = jsub.add_parser(kind, help=f"recent {kind}", parents=[common])
        q.add_argument("--limit", type=int, default=50)
        q.add_argument(
            "--export", choices=("csv", "json"), help=f"export every {kind[:-1]} (to stdout)"
        )
        add_journal_option(q)
    q = jsub.add_parser("history", help="an order's full history", parents=[common])
    q.add_argument("order_id", metavar="ORDER")
    add_journal_option(q)
    q = jsub.add_parser(
        "migrate",
        help="bring the journal's schema to this version's (SQLite or PostgreSQL); "
        "refuses a newer one",
        parents=[common],
    )
    add_journal_option(q)
    q = jsub.add_parser(
        "copy",
        help="copy a journal into a new, empty one (e.g. this computer's into a shared "
        "PostgreSQL database), then compare the rows table by table",
        description="Copies every row of the --from journal into the --to journal, keeping "
        "ids, in one transaction. The source is only read (it must be at this version's "
        "schema: 'vendctl journal migrate --journal SOURCE' first); the target is migrated "
        "and must hold no journal rows (journals are never merged).",
        epilog="Exit codes: 0 copied and every table's count matches; 1 copied but a "
        "count differs (see the table); 2 bad input (unusable URL, same journal twice, "
        "source older or not a journal, target not empty: nothing copied); 3 a database "
        "cannot be reached, refused the password, is newer, or failed during the copy "
        "(nothing copied).",
        parents=[common],
    )
    q.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        required=True,
        help="the journal to copy (read only): sqlite:///path/to/journal.db or "
        "postgresql://user:password@host/database",
    )
    q.add_argument(
        "--to",
        dest="target",
        metavar="URL",
        required=True,
        help="the new journal: postgresql://user:password@host/database or sqlite:///path",
    )
    q = jsub.add_parser(
        "replay",
        help="re-deliver a stored callback to the running receiver (marked as a replay)",
        parents=[common],
    )
    q.add_argument("callback_id", metavar="CALLBACK_ID")
    q.add_argument(
        "--url", help="the receiver's notify URL (default: the running `vendctl listen`)"
    )
    add_journal_option(q)

    p = add("followup", "failed dispenses to follow up: refund, resolve or dismiss")
    fsub = p.add_subparsers(dest="followup_command", metavar="ACTION")
    fsub.required = True
    q = fsub.add_parser(
        "check",
        help="dispenses with no result: ask the platform now, record what it says, open "
        "follow-ups where owed (what the console does by itself after 120 s)",
        parents=[common],
    )
    q.add_argument(
        "--older-than",
        type=float,
        default=DEVICE_TIMEOUT_S,
        metavar="SECONDS",
        help=f"only dispenses sent at least this long ago (default {DEVICE_TIMEOUT_S})",
    )
    add_journal_option(q)
    q = fsub.add_parser("list", help="follow-ups (default: the ones still to do)", parents=[common])
    q.add_argument(
        "--state",
        default="active",
        choices=("active", "open", "refund_requested", "refunded", "dismissed", "all"),
    )
    add_journal_option(q)
    q = fsub.add_parser(
        "refund", help="send the order's refund status (2) to the platform", parents=[common]
    )
    q.add_argument("followup_id", metavar="ID")
    q.add_argument("--note", default="", help="a note for the record")
    _write_options(q)
    add_journal_option(q)
    q = fsub.add_parser(
        "resolve", help="the customer was refunded: close it with a note", parents=[common]
    )
    q.add_argument("followup_id", metavar="ID")
    q.add_argument("--note", required=True, help="e.g. the payment channel's refund reference")
    add_journal_option(q)
    q = fsub.add_parser(
        "dismiss", help="no refund needed: close it with a reason", parents=[common]
    )
    q.add_argument("followup_id", metavar="ID")
    q.add_argument("--reason", required=True)
    add_journal_option(q)

    p = add("profile", "manage saved profiles (secrets go to the OS keyring)")
    prsub = p.add_subparsers(dest="profile_command", metavar="ACTION")
    prsub.required = True
    prsub.add_parser("list", help="list profiles", parents=[common])
    q = prsub.add_parser(
        "add",
        help="add or update a profile; secrets are read from the environment or asked for",
        parents=[common],
    )
    q.add_argument("name")
    q.add_argument("--appid", required=True)
    q.add_argument(
        "--notify-url", default="", help="public notify URL, if the receiver is behind a proxy"
    )
    q = prsub.add_parser("remove", help="remove a profile and its secrets", parents=[common])
    q.add_argument("name")
    return top


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return port


# -- credentials and plumbing ------------------------------------------------------


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def resolve_creds(args: argparse.Namespace, *, need_secrets: bool = True) -> Creds:
    timeout = float(args.timeout) if args.timeout else 15.0
    connect = min(5.0, timeout)
    if args.profile:
        try:
            prof = ProfileStore(app_paths().profiles_file).get(args.profile)
            store = KeyringStore()
            secret = store.get(prof.name, "app_secret") or ""
            sign_key = store.get(prof.name, "sign_key") or ""
        except CredentialsError as exc:
            raise CliExit(EXIT_CREDENTIALS, str(exc)) from None
        missing = [n for n, v in (("AppSecret", secret), ("sign key", sign_key)) if not v]
        if missing and need_secrets:
            raise CliExit(
                EXIT_CREDENTIALS,
                f"profile {prof.name!r} has no {' or '.join(missing)} in the OS keyring "
                f"(set them with: vendctl profile add {prof.name} --appid ...)",
            )
        return Creds(
            base_url=args.base_url or prof.base_url,
            appid=prof.appid,
            app_secret=secret,
            sign_key=sign_key,
            profile=prof.name,
            notify_url=prof.public_notify_url,
            connect_timeout=connect if args.timeout else prof.connect_timeout,
            read_timeout=timeout if args.timeout else prof.read_timeout,
        )
    values = {
        ENV_APPID: _env(ENV_APPID),
        ENV_APP_SECRET: _env(ENV_APP_SECRET),
        ENV_SIGN_KEY: _env(ENV_SIGN_KEY),
        ENV_BASE_URL: args.base_url or _env(ENV_BASE_URL),
    }
    missing = [k for k, v in values.items() if not v]
    if missing and need_secrets:
        raise CliExit(
            EXIT_CREDENTIALS,
            "credentials missing: set "
            + ", ".join(missing)
            + " (or use --profile NAME"
            + (" / --base-url" if ENV_BASE_URL in missing else "")
            + ")",
        )
    return Creds(
        base_url=values[ENV_BASE_URL],
        appid=values[ENV_APPID],
        app_secret=values[ENV_APP_SECRET],
        sign_key=values[ENV_SIGN_KEY],
        profile="env",
        notify_url=_env(ENV_NOTIFY_URL),
        connect_timeout=connect,
        read_timeout=timeout,
    )


def _now_fn(args: argparse.Namespace) -> Callable[[], float]:
    ts = getattr(args, "timestamp", None)
    if ts is None:
        return time.time
    t = str(ts).strip()
    if not t.isdigit():
        raise BadInput(f"--timestamp {ts!r} must be a Unix time in seconds")
    return lambda: float(t)


def make_client(args: argparse.Namespace, out: Out, creds: Creds | None = None) -> api.Client:
    c = creds or resolve_creds(args)
    register_secrets((c.app_secret, c.sign_key))
    observer = _verbose_observer(out) if args.verbose else None
    try:
        return api.Client(
            c.base_url,
            c.appid,
            c.app_secret,
            c.sign_key,
            connect_timeout=c.connect_timeout,
            read_timeout=c.read_timeout,
            observer=observer,
            now=_now_fn(args),
        )
    except ConfigError as exc:
        raise BadInput(str(exc)) from None


def _verbose_observer(out: Out) -> api.Observer:
    def show(ex: api.Exchange) -> None:
        print(f"> {ex.method} {ex.url} (try {ex.attempt})", file=out.stderr)
        for k, v in ex.request_headers.items():
            print(f">   {k}: {v}", file=out.stderr)
        if ex.payload is not None:
            print(f">   payload: {json.dumps(ex.payload, ensure_ascii=False)}", file=out.stderr)
        elif ex.request_body:
            print(f">   body: {ex.request_body}", file=out.stderr)
        status = ex.http_status if ex.http_status is not None else "-"
        print(
            f"< HTTP {status} in {ex.duration_s * 1000:.0f} ms: {ex.response_text[:500]}",
            file=out.stderr,
        )
        if ex.error:
            print(f"< {ex.error}", file=out.stderr)

    return show


def _machine_arg(text: str, out: Out) -> str:
    m = check_machine_no(text)
    if m.warning:
        out.warn(m.warning)
    return m.value


def _confirm(args: argparse.Namespace, question: str, out: Out) -> None:
    """Ask on a terminal; ``--yes`` skips; no terminal and no ``--yes`` refuses."""
    if getattr(args, "yes", False):
        return
    if not sys.stdin.isatty():
        raise CliExit(
            EXIT_BAD_INPUT,
            "this changes something that cannot be undone; confirm on a terminal or pass --yes "
            "(nothing was sent)",
        )
    print(question, file=out.stderr)
    try:
        answer = input("Type 'yes' to go ahead [no]: ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in {"y", "yes"}:
        raise CliExit(EXIT_BAD_INPUT, "not confirmed: nothing was sent")


def _dry_run(client: api.Client, call: api.Call, out: Out) -> None:
    prepared = client.prepare(call)
    if out.as_json:
        out.json(
            {
                "dry_run": True,
                "method": prepared.method,
                "url": client.masked(prepared.url),
                "payload": prepared.payload,
                "body": None if prepared.body is None else client.masked(prepared.body),
                "curl": client.curl(prepared),
            }
        )
    else:
        if prepared.payload is not None:
            print(f"# payload: {json.dumps(prepared.payload, ensure_ascii=False)}", file=out.stdout)
        print(client.curl(prepared), file=out.stdout)


@contextmanager
def _journal(creds: Creds, where: str | None = None) -> Iterator[Any]:
    """The shared journal, for recording actions before they are sent; scoped by the
    profile and its platform (base URL + Appid), as the window's. ``where``: a
    ``--journal URL`` (default: this computer's journal file)."""
    from console.journal import Journal

    paths = app_paths().ensure()
    target = paths.journal_file if where is None else journal_url_arg(where)
    j = Journal.open(target, creds.profile, platform=platform_key(creds.base_url, creds.appid))
    try:
        yield j
    finally:
        j.close()


def _journalled(
    journal: Any,
    kind: str,
    machine_no: str,
    order_id: int | None,
    request: dict[str, Any],
    fn: Callable[[], Any],
) -> tuple[Any, int]:
    """Record the intent, run ``fn``, record the outcome (``console.dispensing.journalled``,
    the same as the window). Returns ``fn``'s result and the journal's action id."""
    return journalled(journal, kind, machine_no, order_id, request, fn)


# -- commands ------------------------------------------------------------------


def cmd_ping(args: argparse.Namespace, out: Out) -> int:
    client = make_client(args, out)
    t0 = time.perf_counter()
    answer = client.ping()
    ms = (time.perf_counter() - t0) * 1000
    out.json({"ok": True, "data": answer, "latency_ms": round(ms, 1), "base_url": client.base_url})
    out.line(f"{answer} from {client.base_url} in {ms:.0f} ms")
    return EXIT_OK


def cmd_machines(args: argparse.Namespace, out: Out) -> int:
    machines = make_client(args, out).machines()
    out.json({"ok": True, "data": machines})
    for m in machines:
        state = "online " if m.is_online else "OFFLINE"
        notice = f"  [{m.notify_message}]" if m.notify_message else ""
        out.line(f"{m.machine_no}  {state}  {m.machine_name}  {m.address}{notice}")
    if not machines:
        out.line("no machines")
    return EXIT_OK


def cmd_machine(args: argparse.Namespace, out: Out) -> int:
    no = _machine_arg(args.machine_no, out)
    m = make_client(args, out).machine(no)
    out.json({"ok": True, "data": m})
    out.line(f"{m.machine_no}  {m.machine_name}  ({'online' if m.is_online else 'OFFLINE'})")
    out.line(f"  type: {m.machine_type_name}   cabinets: {', '.join(m.cabinet_names) or '-'}")
    out.line(f"  address: {m.address or '-'}")
    out.line(f"  currency: {m.currency.code or '-'} {m.currency.symbol}")
    if m.categories:
        out.line("  categories: " + ", ".join(f"{c.id} {c.title}" for c in m.categories))
    if m.announcement:
        out.line(f"  announcement: {m.announcement}")
    return EXIT_OK


def cmd_products(args: argparse.Namespace, out: Out) -> int:
    no = _machine_arg(args.machine_no, out)
    filters = {"cabinet_name": args.cabinet} if args.cabinet else {}
    products = make_client(args, out).all_products(no, **filters)
    out.json({"ok": True, "data": products})
    for p in products:
        stock = f"{p.current_inventory}/{p.inventory}"
        flag = (
            "  EMPTY"
            if p.current_inventory == 0
            else ("  low" if p.current_inventory * 5 <= p.inventory else "")
        )
        out.line(f"{p.channel.name:<6} {p.id:>6}  {p.name}  {p.price}  stock {stock}{flag}")
    if not products:
        out.line("no products")
    return EXIT_OK


def _remember_order(
    creds: Creds, order: Any, machine_no: str, client: api.Client | None = None
) -> Any:
    """Keep what the platform said about ``order`` in the journal, for its follow-ups
    (amount, date, slot, product); with ``client`` the machine's product list is read
    to name the slots. Returns the journal's summary, or None: never a reason to fail."""
    products = None
    if client is not None:
        try:
            products = client.all_products(machine_no)
        except ApiError as exc:
            log.info("products of machine %s not read: %s", machine_no, exc)
    try:
        with _journal(creds) as j:
            return j.note_order_details(order, machine_no, products)
    except Exception as exc:  # the journal is a help here, never a reason to fail a read
        log.warning("order %s not noted in the journal: %s", order.order_id, exc)
        return None


def _print_order(order: Any, out: Out, first_seen: float | None, known: Any = None) -> None:
    out.line(f"order {order.order_id}  trade {order.trade_id or '-'}  date {order.date or '-'}")
    out.line(
        f"  status: {order.status or '-'} ({query_text_label(order.status)})   amount: {order.amount}"
    )
    if first_seen is None:
        out.line("  20-minute window: age unknown (first seen elsewhere; the platform decides)")
    else:
        left = first_seen + ORDER_WINDOW_S - time.time()
        out.line(
            f"  20-minute window: {int(left // 60)} min {int(left % 60)} s left"
            if left > 0
            else "  20-minute window: EXPIRED — the platform will refuse to dispense it"
        )
    out.line(f"  callbacks sent by the platform: {order.notify_send_count}")
    names = {d.record_id: d for d in (known.records if known is not None else ())}
    for r in order.records:
        d = names.get(r.id)
        what = ", ".join(
            x
            for x in (d and d.product_name, d and d.channel_name and f"slot {d.channel_name}")
            if x
        )
        out.line(
            f"  record {r.id}: product {r.product_id}{f' ({what})' if what else ''} "
            f"x{r.quantity} @ {r.price}  "
            f"{r.status or '-'}{'  (notified)' if r.notify_sent else ''}"
        )


def _first_seen(creds: Creds, order_id: int) -> float | None:
    try:
        with _journal(creds) as j:
            value: float | None = j.order_first_seen(order_id)
            return value
    except Exception:  # the journal is a help here, never a reason to fail a read
        return None


def cmd_order_show(args: argparse.Namespace, out: Out) -> int:
    oid = check_id(args.order_id, "order id")
    no = _machine_arg(args.machine, out)
    creds = resolve_creds(args)
    order = make_client(args, out, creds).get_order(oid, no)
    known = _remember_order(creds, order, no)
    first = _first_seen(creds, oid)
    out.json({"ok": True, "data": order, "first_seen": first})
    _print_order(order, out, first, known)
    return EXIT_OK


def _parse_products(items: Sequence[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for item in items:
        pid, _, qty = item.partition(":")
        out.append((check_id(pid, "product id"), check_id(qty or "1", "quantity")))
    return out


def cmd_order_create(args: argparse.Namespace, out: Out) -> int:
    no = _machine_arg(args.machine, out)
    products = _parse_products(args.product)
    creds = resolve_creds(args)
    notify_url = args.notify_url or _default_notify_url(creds, out)
    trade_id = check_trade_id(args.trade_id) if args.trade_id else _new_trade_id()
    client = make_client(args, out, creds)
    call = api.call_order_create(no, notify_url, trade_id, products)
    if args.dry_run:
        _dry_run(client, call, out)
        return EXIT_OK
    request = {"trade_id": trade_id, "products": products, "notify_url": client.masked(notify_url)}
    with _journal(creds) as j:
        created, _ = _journalled(
            j,
            "order_create",
            no,
            None,
            request,
            lambda: {"order_id": client.create_order(no, notify_url, trade_id, products)},
        )
        oid = int(created["order_id"])
        j.note_order(oid, no, trade_id=trade_id, created_here=True, first_seen=time.time())
    out.json({"ok": True, "data": {"order_id": oid, "trade_id": trade_id}})
    out.line(f"order {oid} created (trade {trade_id}); it is unpaid until its status is set")
    return EXIT_OK


def _new_trade_id() -> str:
    import secrets

    return time.strftime("VC%Y%m%d%H%M%S") + secrets.token_hex(5)


def cmd_set_status(args: argparse.Namespace, out: Out) -> int:
    oid = check_id(args.order_id, "order id")
    try:
        status = parse_status(args.status)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    no = _machine_arg(args.machine, out)
    creds = resolve_creds(args)
    client = make_client(args, out, creds)
    call = api.call_set_status(oid, no, status)
    if args.dry_run:
        _dry_run(client, call, out)
        return EXIT_OK
    first = _first_seen(creds, oid)
    if status is OrderStatus.PAID and first is not None and time.time() - first > ORDER_WINDOW_S:
        out.warn(
            f"order {oid} is older than 20 minutes: the platform will accept 'paid' "
            "but refuse to dispense it"
        )
    if status.is_destructive:
        _confirm(
            args,
            f"Set order {oid} on machine {no} to {int(status)} ({status.label_en} / {status.label_zh})?\n"
            "The ordered items go back to the machine's stock and the order can no longer be dispensed.",
            out,
        )
    with _journal(creds) as j:
        j.note_order(oid, no)
        _journalled(
            j,
            "set_status",
            no,
            oid,
            {"status": int(status), "status_name": status.name.lower()},
            lambda: client.set_order_status(oid, no, status),
        )
    out.json(
        {
            "ok": True,
            "data": {"order_id": oid, "status": int(status), "status_name": status.name.lower()},
        }
    )
    out.line(f"order {oid} on machine {no} set to {int(status)} ({status.label_en})")
    if status is OrderStatus.PAID:
        out.line(f"next: vendctl dispense {oid} --machine {no}")
    return EXIT_OK


def cmd_dispense(args: argparse.Namespace, out: Out) -> int:
    oid = check_id(args.order_id, "order id")
    rid = check_id(args.record, "record id") if args.record else None
    no = _machine_arg(args.machine, out)
    creds = resolve_creds(args)
    client = make_client(args, out, creds)
    if args.dry_run:
        if rid is None:
            raise BadInput("--dry-run needs --record ID (which record to show)")
        _dry_run(client, api.call_dispense(no, oid, rid), out)
        return EXIT_OK
    order = client.get_order(oid, no)
    # Amount, trade id, slot and product, for a follow-up should the dispense fail.
    _remember_order(creds, order, no, client if is_dispensable(order.status) else None)
    if not is_dispensable(order.status):
        raise CliExit(
            EXIT_REFUSED,
            f"order {oid} is {order.status or 'unknown'} ({query_text_label(order.status)}): only paid or "
            "pickup-code orders can be dispensed; nothing was sent",
        )
    if rid is not None:
        if rid not in {r.id for r in order.records}:
            raise BadInput(
                f"record {rid} is not in order {oid} (records: {[r.id for r in order.records]})"
            )
        targets = [r for r in order.records if r.id == rid]
    else:
        targets = [r for r in order.records if r.status in ("", RECORD_NOT_PICKED_UP)]
        if not targets:
            raise CliExit(
                EXIT_REFUSED, f"order {oid} has no record left to dispense; nothing was sent"
            )
    first = _first_seen(creds, oid)
    if first is not None and time.time() - first > ORDER_WINDOW_S:
        out.warn(f"order {oid} is older than 20 minutes: the platform will probably refuse it")
    items = ", ".join(f"record {r.id} (product {r.product_id} x{r.quantity})" for r in targets)
    _confirm(
        args,
        f"Dispense order {oid} on machine {no}: {items}?\nAn item will drop for each record.",
        out,
    )
    with _journal(creds) as j:
        j.note_order(oid, no)
        # The one dispense engine (the window runs it too); results a receiver journals
        # (``vendctl listen``, a window) are heard through the shared journal.
        engine = DispenseEngine(client, j, JournalWaiter(j))

        def show(step: DispenseProgress) -> None:
            if step.stage == "waiting":
                out.line(
                    f"record {step.record_id}: dispense sent (delivery {step.delivery_id}); "
                    "waiting for the machine…"
                )
            elif step.stage == "done" and step.outcome is not None:
                _show_outcome(step.outcome, out)

        report = engine.dispense(
            order, no, [r.id for r in targets], cancel=threading.Event(), progress=show
        )
    results = [_outcome_json(o) for o in report.outcomes]
    last = report.outcomes[-1] if report.outcomes else None
    if last is not None and last.error is not None and not last.item_out:
        raise last.error  # refused or no usable answer: worded and exited as any API error
    if report.not_sent:
        out.line(f"stopped: records {report.not_sent} were not dispensed")
    exit_code = EXIT_OK if report.all_dropped else EXIT_REFUSED
    out.json({"ok": exit_code == EXIT_OK, "data": results})
    return exit_code


def _show_outcome(o: RecordOutcome, out: Out) -> None:
    """One record's result, as ``vendctl dispense`` prints it."""
    if o.result == "delivered":
        code = o.error.code if isinstance(o.error, PlatformRefused) else None
        message = o.error.message if isinstance(o.error, PlatformRefused) else str(o.detail)
        out.line(
            f"record {o.record_id}: the platform says it was already delivered (code "
            f"{code} {message!r}): nothing was sent; no refund follow-up opened"
        )
        return
    if o.result == "failed":
        fault = (o.delivery.fail_reason or o.delivery.status) if o.delivery else ""
        if o.callback is not None:
            fault = o.callback.error_msg
        out.line(f"record {o.record_id}: FAILED — {fault}: {fault_meaning(fault).text()}")
    elif o.result == "dropped":
        status = o.delivery.status if o.delivery is not None else "success (machine callback)"
        out.line(f"record {o.record_id}: {status}")
    elif o.result in ("no result", "unknown"):
        out.line(f"record {o.record_id}: {o.result.upper()} — {o.detail}")
    if o.followup is not None:
        out.line(
            f"follow-up #{o.followup.id} is open: the customer may need a refund "
            f"(vendctl followup list)"
        )


def _outcome_json(o: RecordOutcome) -> dict[str, Any]:
    return {
        "record_id": o.record_id,
        "delivery_id": o.delivery_id or None,
        "result": o.result,
        "detail": str(o.detail),
        "delivery": _plain(o.delivery),
        "callback_id": o.callback.id if o.callback is not None else None,
        "followup_id": o.followup.id if o.followup is not None else None,
        "delivered": o.result == "delivered",
    }


def cmd_delivery(args: argparse.Namespace, out: Out) -> int:
    did = check_id(args.delivery_id, "delivery id")
    no = _machine_arg(args.machine, out)
    d = make_client(args, out).get_delivery(did, no)
    out.json({"ok": True, "data": d})
    out.line(f"delivery {d.delivery_id}: {d.status or '-'}")
    if d.delivered_at:
        out.line(f"  delivered at {d.delivered_at}")
    if d.pickup_at:
        out.line(f"  picked up at {d.pickup_at}")
    if d.fail_reason:
        out.line(f"  failed: {d.fail_reason} — {fault_meaning(d.fail_reason).text()}")
    return EXIT_OK


def cmd_test_dispense(args: argparse.Namespace, out: Out) -> int:
    no = _machine_arg(args.machine, out)
    slot = args.slot.strip().upper()
    creds = resolve_creds(args)
    notify_url = args.notify_url or creds.notify_url
    if not notify_url:
        raise BadInput(
            f"a notify URL is needed for the result: --notify-url URL or ${ENV_NOTIFY_URL}"
        )
    client = make_client(args, out, creds)
    call = api.call_test_dispense(no, slot, notify_url)
    if args.dry_run:
        _dry_run(client, call, out)
        return EXIT_OK
    _confirm(
        args, f"Test-dispense slot {slot} on machine {no}?\nAn item will drop from that slot.", out
    )
    with _journal(creds) as j:
        d, _ = _journalled(
            j,
            "test_dispense",
            no,
            None,
            {"channel_name": slot},
            lambda: client.test_dispense(no, slot, notify_url),
        )
    out.json({"ok": True, "data": d})
    out.line(
        f"test dispense of {slot} sent (delivery {d.delivery_id or '-'}); the result goes to the notify URL"
    )
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace, out: Out) -> int:
    """One line per check; then the faulty slots' meanings and the journal's history."""
    from console.journal import Journal, JournalError
    from console.troubleshoot import diagnose

    no = _machine_arg(args.machine_no, out)
    creds = resolve_creds(args)
    client = make_client(args, out, creds)
    lang = str(args.lang)
    _load_chinese(out)  # the JSON's meaning_zh fields, whatever the language shown
    journal = None
    path = app_paths().journal_file
    if path.exists():  # a diagnosis reads the journal; it never creates one
        try:
            journal = Journal(
                path,
                creds.profile,
                platform=platform_key(creds.base_url, creds.appid),
                adopt=False,
                recover=False,
            )
        except (JournalError, OSError) as exc:
            out.warn(f"journal not read, so no dispense history: {exc}")
    try:
        d = diagnose(client, no, journal=journal, lang=lang)
    finally:
        if journal is not None:
            journal.close()
    out.json(d.as_dict())
    for c in d.checks:
        out.line(c.line())
    faults = d.fault_lines(lang)
    if faults:
        out.line()
        out.line(translated("vendctl", QT_TRANSLATE_NOOP("vendctl", "Faulty slots:"), lang))
        for text in faults:
            out.line(f"  {text}")
    if d.history is not None:
        out.line()
        out.line(
            translated(
                "vendctl",
                QT_TRANSLATE_NOOP("vendctl", "Dispense history (this computer's journal):"),
                lang,
            )
        )
        for text in d.history.lines(lang):
            out.line(f"  {text}")
    return EXIT_OK if d.ok else EXIT_REFUSED


def cmd_pickup_codes(args: argparse.Namespace, out: Out) -> int:
    pid = check_id(args.product_id, "product id")
    no = _machine_arg(args.machine, out)
    codes = make_client(args, out).pickup_codes(pid, no)
    out.json({"ok": True, "data": codes})
    for c in codes:
        out.line(f"{c.code}  {c.status}  x{c.quantity}  expires {c.expired_at or '-'}")
    if not codes:
        out.line("no pickup codes")
    return EXIT_OK


def _sign_key_for(args: argparse.Namespace) -> str:
    if args.sign_key:
        return str(args.sign_key)
    if args.profile:
        return resolve_creds(args, need_secrets=False).sign_key
    return _env(ENV_SIGN_KEY)


def cmd_payload_encode(args: argparse.Namespace, out: Out) -> int:
    params: dict[str, Any] = {}
    if args.params_json:
        try:
            loaded = json.loads(args.params_json)
        except (ValueError, RecursionError) as exc:  # also >4300-digit ints, deep nesting
            raise BadInput(f"--params-json is not JSON this tool can read: {exc}") from None
        if not isinstance(loaded, dict):
            raise BadInput("--params-json must be a JSON object")
        params.update(loaded)
    for item in args.params:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise BadInput(f"parameter {item!r} must look like key=value")
        params[key] = value
    if not params:
        raise BadInput("no parameters: give KEY=VALUE pairs or --params-json")
    key = _sign_key_for(args)
    if not key:
        raise CliExit(EXIT_CREDENTIALS, f"no sign key: --sign-key, ${ENV_SIGN_KEY} or --profile")
    if args.timestamp is not None:
        params["timestamp"] = str(int(_now_fn(args)()))
    payload = encode_payload(params, key)
    decoded = decode_payload(payload)
    out.json({"ok": True, "payload": payload, "decoded": decoded})
    out.line(payload)
    return EXIT_OK


def cmd_payload_decode(args: argparse.Namespace, out: Out) -> int:
    try:
        obj = decode_payload(args.payload)
    except PayloadError as exc:
        raise BadInput(str(exc)) from None
    key = _sign_key_for(args)
    verdict: str
    if not key:
        verdict = "not checked (no sign key)"
    elif verify(obj, key):
        verdict = "valid"
    else:
        verdict = f"INVALID (expected {sign(obj, key)})"
    out.json({"ok": not verdict.startswith("INVALID"), "decoded": obj, "sign": verdict})
    out.line(json.dumps(obj, ensure_ascii=False, sort_keys=True))
    out.line(f"sign: {verdict}")
    return EXIT_REFUSED if verdict.startswith("INVALID") else EXIT_OK


def cmd_sandbox(args: argparse.Namespace, out: Out) -> int:
    from console.sandbox import DEFAULT_CREDENTIALS, Credentials, parse_fault, run_standalone

    given = [args.appid, args.app_secret, args.sign_key]
    if any(given) and not all(given):
        raise BadInput("give all three of --appid, --app-secret and --sign-key, or none")
    creds = (
        Credentials(args.appid, args.app_secret, args.sign_key)
        if all(given)
        else DEFAULT_CREDENTIALS
    )
    faults = []
    for rule in args.inject:
        try:
            faults.append(parse_fault(rule))
        except ValueError as exc:
            raise BadInput(f"--inject {rule!r}: {exc}") from None
    return int(
        run_standalone(
            port=args.port,
            credentials=creds,
            faults=faults,
            seed=args.seed,
            out=out.stdout,
            host=args.host,
            state_file=args.state,
        )
    )


def cmd_profile_list(args: argparse.Namespace, out: Out) -> int:
    try:
        profiles = ProfileStore(app_paths().profiles_file).load()
    except CredentialsError as exc:
        raise CliExit(EXIT_CREDENTIALS, str(exc)) from None
    out.json({"ok": True, "data": list(profiles.values())})
    for p in profiles.values():
        out.line(f"{p.name}  {p.base_url}  appid {p.appid}")
    if not profiles:
        out.line("no profiles (add one with: vendctl profile add NAME --base-url URL --appid ID)")
    return EXIT_OK


def _secret_input(env_name: str, prompt: str) -> str:
    value = _env(env_name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliExit(EXIT_CREDENTIALS, f"{prompt} missing: set ${env_name} or run on a terminal")
    import getpass

    return getpass.getpass(f"{prompt}: ").strip()


def cmd_profile_add(args: argparse.Namespace, out: Out) -> int:
    base_url = args.base_url or _env(ENV_BASE_URL)
    if not base_url:
        raise BadInput("--base-url is needed for a profile")
    try:
        base_url = api.normalise_base_url(base_url)
    except ConfigError as exc:
        raise BadInput(str(exc)) from None
    try:
        store = KeyringStore()
        secret = _secret_input(ENV_APP_SECRET, "AppSecret")
        key = _secret_input(ENV_SIGN_KEY, "sign key (merchant id)")
        if not secret or not key:
            raise CliExit(EXIT_CREDENTIALS, "AppSecret and sign key must not be empty")
        store.set(args.name, "app_secret", secret)
        store.set(args.name, "sign_key", key)
        ProfileStore(app_paths().ensure().profiles_file).save(
            Profile(
                name=args.name,
                base_url=base_url,
                appid=args.appid,
                public_notify_url=args.notify_url,
            )
        )
    except CredentialsError as exc:
        raise CliExit(EXIT_CREDENTIALS, str(exc)) from None
    out.json({"ok": True, "data": {"profile": args.name, "keyring": store.describe()}})
    out.line(f"profile {args.name!r} saved; secrets are in the {store.describe()}")
    return EXIT_OK


def cmd_profile_remove(args: argparse.Namespace, out: Out) -> int:
    try:
        store = KeyringStore()
        for kind in ("app_secret", "sign_key", "notify_token"):
            store.delete(args.name, kind)
        ProfileStore(app_paths().profiles_file).delete(args.name)
    except CredentialsError as exc:
        raise CliExit(EXIT_CREDENTIALS, str(exc)) from None
    out.json({"ok": True})
    out.line(f"profile {args.name!r} removed")
    return EXIT_OK


# -- callbacks, journal, follow-ups --------------------------------------------------


def _notify_token(profile: str, out: Out, *, create: bool) -> str:
    token = _find_notify_token(profile, out, create=create)
    register_secrets([token])
    return token


def _find_notify_token(profile: str, out: Out, *, create: bool) -> str:
    """The profile's notify-URL token: from the environment, else the OS keyring.

    ``listen`` (``create=True``) makes one and keeps it in the keyring the first
    time; without a usable keyring its token lives for that run only, and we
    say so. Other commands only look it up (``create=False``).
    """
    from console.receiver import new_token

    env_token = _env(ENV_NOTIFY_TOKEN)
    if env_token:
        return env_token
    try:
        store = KeyringStore()
        token = store.get(profile, "notify_token")
        if not token and create:
            token = new_token()
            store.set(profile, "notify_token", token)
    except CredentialsError as exc:
        if not create:
            raise BadInput(
                f"the running receiver's token is not in a keyring ({exc}); pass --notify-url "
                f"(or --url) with the URL `vendctl listen` printed, or set ${ENV_NOTIFY_TOKEN}"
            ) from None
        out.warn(f"{exc} — using a notify token for this run only: the URL changes next time")
        return new_token()
    if not token:
        raise BadInput(f"no notify token for profile {profile!r}: start `vendctl listen` first")
    return token


def _default_notify_url(creds: Creds, out: Out) -> str:
    """Where results should go: the profile's public notify URL or $VENDCTL_NOTIFY_URL,
    else the `vendctl listen` running on this computer for the same profile."""
    if creds.notify_url:
        if "/notify/" in creds.notify_url:
            return creds.notify_url
        # A base address (a tunnel or reverse proxy in front of the receiver).
        token = _notify_token(creds.profile, out, create=False)
        return f"{creds.notify_url.rstrip('/')}/notify/{token}"
    try:
        info = json.loads(_runtime_file(creds.profile).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BadInput(
            f"a notify URL is needed: --notify-url URL, ${ENV_NOTIFY_URL}, the profile's public "
            "notify URL, or a running `vendctl listen`"
        ) from None
    return f"http://{info['host']}:{info['port']}/notify/{_notify_token(creds.profile, out, create=False)}"


def _runtime_file(profile: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in profile)
    return app_paths().ensure().data_dir / f"receiver-{safe}.json"


def _callback_line(row: Any) -> dict[str, Any]:
    from console.core.faults import floor_meaning

    fault = fault_meaning(row.error_msg) if row.error_msg else None
    floor = floor_meaning(row.floor_status) if row.floor_status not in (None, "") else None
    return {
        "kind": "callback",
        "id": row.id,
        "time": row.ts_iso,
        "order_id": row.order_id,
        "record_id": row.record_id,
        "channel_name": row.channel_name,
        "outcome": row.outcome,
        "deliver_status": row.deliver_status,
        "floor_status": row.floor_status,
        "floor_meaning": floor.short() if floor else "",
        "error_msg": row.error_msg,
        "fault_meaning": fault.text() if fault else "",
        "duplicate_of": row.duplicate_of,
        "replay_of": row.replay_of,
        "followup_id": row.followup_id,
        "summary": row.summary,
        "reason": row.reason,
    }


def _callback_text(d: dict[str, Any]) -> str:
    if d["outcome"] == "malformed":
        return f"{d['time']}  #{d['id']}  MALFORMED body rejected (400): {d['reason']}"
    target = (
        f"order {d['order_id']} record {d['record_id']}"
        if d["order_id"] is not None
        else (f"test slot {d['channel_name']}" if d["channel_name"] else "no order")
    )
    parts = [f"{d['time']}  #{d['id']}  {target}  {str(d['outcome']).upper()}"]
    if d["floor_status"] not in (None, ""):
        parts.append(f"slot status {d['floor_status']} ({d['floor_meaning']})")
    if d["error_msg"]:
        parts.append(f"{d['error_msg']} — {d['fault_meaning']}")
    if d["duplicate_of"]:
        parts.append(f"[duplicate of #{d['duplicate_of']}: not counted again]")
    if d["replay_of"]:
        parts.append(f"[replay of #{d['replay_of']}]")
    if d["followup_id"]:
        parts.append(f"→ follow-up #{d['followup_id']}: customer may need a refund")
    return "  ".join(parts)


def cmd_listen(args: argparse.Namespace, out: Out) -> int:
    import signal
    import threading

    from console.receiver import Receiver
    from console.receiver.crosscheck import CrossChecker

    creds = resolve_creds(args, need_secrets=False)
    profile = None
    if args.profile:
        profile = ProfileStore(app_paths().profiles_file).get(args.profile)
    host = args.host or (profile.receiver_host if profile else "127.0.0.1")
    port = args.port if args.port is not None else (profile.receiver_port if profile else 0)
    token = _notify_token(creds.profile, out, create=True)
    printing = threading.Lock()

    def emit(obj: dict[str, Any], text: str) -> None:
        with printing:
            if out.as_json:
                print(json.dumps(obj, ensure_ascii=False), file=out.stdout, flush=True)
            else:
                print(text, file=out.stdout, flush=True)

    def on_callback(row: Any) -> None:
        d = _callback_line(row)
        emit(d, _callback_text(d))

    def on_checked(callback_id: int, verdict: str, detail: str) -> None:
        mark = "" if verdict == "ok" else "  !!"
        # The verdict decides the follow-up (console.core.followup.callback_decision).
        row = j.get_callback(callback_id)
        fid = row.followup_id if row is not None else None
        followup = j.get_followup(fid) if fid is not None else None
        text = f"    cross-check #{callback_id}: {verdict.upper()} — {detail}{mark}"
        if followup is not None:
            text += f"\n    follow-up #{followup.id} ({followup.state}): {followup.reason}"
        emit(
            {
                "kind": "cross_check",
                "callback_id": callback_id,
                "verdict": verdict,
                "detail": detail,
                "followup_id": fid,
                "followup_reason": followup.reason if followup is not None else None,
                "followup_state": followup.state if followup is not None else None,
            },
            text,
        )

    complete = all((creds.base_url, creds.appid, creds.app_secret, creds.sign_key))
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    with _journal(creds) as j:
        client = make_client(args, out, creds) if complete else None
        checker = CrossChecker(client, j) if client is not None else None
        receiver = Receiver(
            j,
            token,
            host=host,
            port=port or 0,
            on_callback=on_callback,
            cross_check=checker,
            on_cross_checked=on_checked,
        )
        try:
            receiver.start()
        except PortInUse as exc:
            raise CliExit(
                EXIT_BAD_INPUT, f"cannot listen on {host}:{port}: {exc} (choose another: --port)"
            ) from None
        except OSError as exc:
            raise CliExit(EXIT_BAD_INPUT, f"cannot listen on {host}:{port}: {exc}") from None
        runtime = _runtime_file(creds.profile)
        runtime.write_text(
            json.dumps({"host": host, "port": receiver.port, "pid": os.getpid()}), encoding="utf-8"
        )
        previous = signal.signal(signal.SIGTERM, on_signal)
        try:
            emit({"kind": "listening", "url": receiver.url}, receiver.url)
            if profile is not None and profile.public_notify_url:
                emit(
                    {"kind": "public_url", "url": profile.public_notify_url},
                    f"public notify URL (profile): {_masked_url(profile.public_notify_url)}",
                )
            if checker is None:
                out.warn("no platform credentials: callbacks are journalled but not cross-checked")
            print(
                f"orders and test dispenses from another terminal: export {ENV_NOTIFY_URL}=<the URL above>",
                file=out.stderr,
                flush=True,
            )
            print(
                "listening; every callback is journalled before it is answered. Ctrl+C to stop.",
                file=out.stderr,
                flush=True,
            )
            platform: Any = client if client is not None else _NoPlatform()
            while not stop.wait(2.0):
                for c in run_checks(platform, checker, j, time.time()).overdue:
                    if (f := c.followup) is None:
                        continue
                    emit(
                        {"kind": "followup", "id": f.id, "order_id": f.order_id, "record_id": f.record_id,
                         "reason": f.reason, "meaning": f.meaning, "found": c.found},
                        f"follow-up #{f.id}: order {f.order_id} record {f.record_id} — {f.meaning}",
                    )  # fmt: skip
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            receiver.stop()
            runtime.unlink(missing_ok=True)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: Out) -> int:
    from console.service import ServeOptions, serve

    options = ServeOptions(
        journal_url=args.journal,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        profile=args.profile,
        base_url=args.base_url,
        check_every_s=args.check_every,
        older_than_s=args.older_than,
        read_timeout_s=float(args.timeout) if args.timeout else 15.0,
        verbose=bool(args.verbose),
    )
    return serve(options, out.stderr, os.environ)


def _masked_url(url: str) -> str:
    from console.receiver import mask_url

    return mask_url(url)


MAX_LIMIT = 1_000_000


def _limit(args: argparse.Namespace) -> int:
    if not 0 < args.limit <= MAX_LIMIT:
        raise BadInput(f"--limit must be a number from 1 to {MAX_LIMIT:,}")
    return int(args.limit)


def cmd_journal_list(args: argparse.Namespace, out: Out) -> int:
    kind = args.journal_command
    creds = resolve_creds(args, need_secrets=False)
    with _journal(creds, args.journal) as j:
        if args.export:
            count = j.export(kind, args.export, out.stdout)
            print(f"exported {count} {kind}", file=out.stderr)
            return EXIT_OK
        if kind == "orders":
            rows: list[Any] = j.recent_orders(_limit(args))
        elif kind == "callbacks":
            rows = j.list_callbacks(_limit(args))
        elif kind == "actions":
            rows = j.list_actions(_limit(args))
        else:
            rows = j.list_followups(None, _limit(args))
    out.json(
        {"ok": True, "data": [_followup_json(r) for r in rows] if kind == "followups" else rows}
    )
    for r in rows:
        out.line(_journal_row_text(kind, r))
    if not rows:
        out.line(f"no {kind} in the journal yet")
    return EXIT_OK


def _journal_row_text(kind: str, r: Any) -> str:
    if kind == "orders":
        age = "age unknown" if r.first_seen is None else f"first seen {r.first_seen_iso}"
        extra = f"  {r.open_followups} open follow-up(s)" if r.open_followups else ""
        return f"order {r.order_id}  machine {r.machine_no or '-'}  {age}  last: {r.last_activity}{extra}"
    if kind == "callbacks":
        return _callback_text(_callback_line(r)) + f"  [cross-check: {r.cross_check}]"
    if kind == "actions":
        code = f" code {r.code}" if r.code is not None else ""
        text = f"#{r.id} {r.ts_iso}  {r.kind}  machine {r.machine_no}  order {r.order_id}  {r.state}{code}"
        text += f"  by {r.actor or '?'}"
        if r.message:
            text += f"  {r.message}"
        if r.check:
            text += f"\n    check: {r.check}"
        return text
    return _followup_text(r)


# A follow-up's state as vendctl prints it (the journal's word, in capitals).
_FOLLOWUP_STATE_WORDS = {
    "open": QT_TRANSLATE_NOOP("vendctl", "OPEN"),
    "refund_requested": QT_TRANSLATE_NOOP("vendctl", "REFUND_REQUESTED"),
    "refunded": QT_TRANSLATE_NOOP("vendctl", "REFUNDED"),
    "dismissed": QT_TRANSLATE_NOOP("vendctl", "DISMISSED"),
}


def _followup_text(f: Any, lang: str = "en") -> str:
    """A follow-up for people; ``lang`` zh words it with the window's translations (the
    platform's fault text stays as given, beside its meaning)."""
    from console.core.followup import EVIDENCE, REASON_WORDS, stored_text

    def t(source: str, **values: object) -> str:
        return text("vendctl", source, **values).text(lang)

    state = _FOLLOWUP_STATE_WORDS.get(f.state)
    values = {
        "id": f.id,
        "state": translated("vendctl", state, lang) if state else f.state.upper(),
        "order": f.order_id,
        "record": f.record_id,
        "machine": f.machine_no,
        "time": f.ts_iso,
    }
    if f.record_id is not None:
        head = t(
            QT_TRANSLATE_NOOP(
                "vendctl",
                "#{id}  {state}  order {order} record {record} on machine {machine}  {time}",
            ),
            **values,
        )
    else:
        head = t(
            QT_TRANSLATE_NOOP(
                "vendctl", "#{id}  {state}  order {order} on machine {machine}  {time}"
            ),
            **values,
        )
    if f.product:
        product = f.product
    elif f.product_id:
        product = t(QT_TRANSLATE_NOOP("vendctl", "product {id}"), id=f.product_id)
    else:
        product = t(QT_TRANSLATE_NOOP("vendctl", "product ?"))
    order = t(
        QT_TRANSLATE_NOOP(
            "vendctl", "amount {amount}  trade {trade}  slot {slot}  {product}  paid on {date}"
        ),
        amount=f.amount or "?",
        trade=f.trade_id or "?",
        slot=f.slot or "?",
        product=product,
        date=f.order_date or "?",
    )
    reason = REASON_WORDS.get(f.reason)
    what = t(
        QT_TRANSLATE_NOOP("vendctl", "{reason}: {meaning}"),
        reason=translated("followup", reason, lang) if reason else f.reason,
        meaning=stored_text(f.meaning).text(lang),
    )
    change = t(
        QT_TRANSLATE_NOOP("vendctl", "evidence: {evidence}  last change: {who} at {when}"),
        evidence=stored_text(f.evidence, EVIDENCE).text(lang),
        who=f.actor or "?",
        when=f.updated_iso,
    )
    text_ = f"{head}\n    {order}\n    {what}\n    {change}"
    note = t(QT_TRANSLATE_NOOP("vendctl", "note: "))
    for n, line in enumerate(f.note.splitlines()):
        text_ += f"\n    {note if n == 0 else ' ' * len(note)}{line}"
    return text_


def _followup_json(f: Any) -> dict[str, Any]:
    """A follow-up for --json: every field, plus ``machine`` (= ``machine_no``)."""
    return {**asdict(f), "machine": f.machine_no}


def add_journal_option(parser: argparse.ArgumentParser) -> None:
    """``--journal URL`` on a journal or follow-up command (read with ``journal_url_arg``)."""
    parser.add_argument(
        "--journal",
        metavar="URL",
        help="the journal: sqlite:///path/to/journal.db or "
        "postgresql://user:password@host/database (default: this computer's journal file)",
    )


def journal_url_arg(value: str | None) -> Any:
    """The SQLAlchemy URL ``--journal`` names (default: the console's journal file, as
    ``sqlite:///…``); a URL that cannot be used is bad input (exit 2)."""
    from console.journal import JournalUrlError, journal_url, sqlite_url

    text = value if value is not None else sqlite_url(app_paths().journal_file)
    try:
        return journal_url(text)
    except JournalUrlError as exc:
        raise BadInput(str(exc)) from None


def cmd_journal_migrate(args: argparse.Namespace, out: Out) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from console.journal import JournalError, mask_url, upgrade

    url = journal_url_arg(args.journal)
    try:
        done = upgrade(url)
    except JournalError as exc:  # unreachable, wrong password, newer schema, not a journal
        return _fail(out, EXIT_TRANSPORT, "journal", str(exc))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if url.password:
            reason = reason.replace(str(url.password), "***")
        return _fail(
            out,
            EXIT_TRANSPORT,
            "journal",
            f"the journal {mask_url(url)} was not migrated: {reason}",
        )
    out.json(
        {
            "ok": True,
            "data": {
                "journal": done.url,
                "from": done.before,
                "to": done.after,
                "legacy_version": done.legacy_version,
                "changed": done.changed,
            },
        }
    )
    if not done.changed:
        out.line(f"journal {done.url}: already current (revision {done.after})")
    elif done.legacy_version is not None:
        out.line(
            f"journal {done.url}: schema version {done.legacy_version} (before Alembic) "
            f"-> revision {done.after}, every row kept"
        )
    elif done.before is None:
        out.line(f"journal {done.url}: empty -> revision {done.after} (tables created)")
    else:
        out.line(f"journal {done.url}: revision {done.before} -> {done.after}")
    return EXIT_OK


def cmd_journal_copy(args: argparse.Namespace, out: Out) -> int:
    """``vendctl journal copy --from URL --to URL`` (``console.journal.copy``): prints the
    rows counted in each table on both sides; exit 1 when a count differs."""
    from sqlalchemy.exc import SQLAlchemyError

    from console.journal import JournalError, mask_url
    from console.journal.copy import CopyRefused, copy_journal

    source = journal_url_arg(args.source)
    target = journal_url_arg(args.target)

    def progress(table: str, rows: int) -> None:
        print(f"\r{table}: {rows:,} rows copied", end="", file=out.stderr, flush=True)

    show = progress if out.stderr.isatty() and not out.as_json else None
    try:
        copied = copy_journal(source, target, progress=show)
    except CopyRefused as exc:
        return _fail(out, EXIT_BAD_INPUT, "refused", str(exc))
    except JournalError as exc:  # unreachable, wrong password, newer schema
        return _fail(out, EXIT_TRANSPORT, "journal", str(exc))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        for url in (source, target):
            if url.password:
                reason = reason.replace(str(url.password), "***")
        return _fail(
            out,
            EXIT_TRANSPORT,
            "journal",
            f"the journal was not copied to {mask_url(target)}, nothing was written there "
            f"(the copy's transaction was rolled back): {reason}",
        )
    finally:
        if show is not None:
            print("\r\033[K", end="", file=out.stderr, flush=True)
    out.json(
        {
            "ok": copied.ok,
            "data": {
                "from": copied.source,
                "to": copied.target,
                "revision": copied.revision,
                "tables": [
                    {"table": t.table, "source": t.source, "target": t.target, "ok": t.ok}
                    for t in copied.tables
                ],
            },
        }
    )
    out.line(f"copied {copied.source} -> {copied.target} (revision {copied.revision})")
    width = max(len("table"), *(len(t.table) for t in copied.tables))
    digits = max(len("source"), *(len(f"{t.source:,}") for t in copied.tables))
    digits = max(digits, *(len(f"{t.target:,}") for t in copied.tables))
    out.line(f"{'table':<{width}}  {'source':>{digits}}  {'target':>{digits}}  ok")
    for t in copied.tables:
        out.line(
            f"{t.table:<{width}}  {t.source:>{digits},}  {t.target:>{digits},}  "
            + ("ok" if t.ok else "DIFFERS")
        )
    if not copied.ok:
        print(
            f"vendctl: the row counts of {copied.target} differ from the source's "
            "(see the table): check what else writes to it",
            file=out.stderr,
            flush=True,
        )
        return EXIT_REFUSED
    return EXIT_OK


def cmd_journal_history(args: argparse.Namespace, out: Out) -> int:
    oid = check_id(args.order_id, "order id")
    creds = resolve_creds(args, need_secrets=False)
    with _journal(creds, args.journal) as j:
        items = j.order_history(oid)
        summary = j.get_order(oid)
    out.json({"ok": True, "order": summary, "data": [_history_json(it) for it in items]})
    lang = str(args.lang)
    if lang != "en":
        return _history_lines(oid, summary, items, lang, out)
    if summary is None and not items:
        out.line(f"order {oid} is not in the journal")
        return EXIT_OK
    if summary is not None:
        age = (
            "age unknown" if summary.first_seen is None else f"first seen {summary.first_seen_iso}"
        )
        out.line(f"order {oid} on machine {summary.machine_no or '-'} ({age})")
    for it in items:
        out.line(f"{it.ts_iso}  {it.kind:<13} {it.summary}")
    return EXIT_OK


def _history_json(item: Any) -> dict[str, Any]:
    """A history item for --json: its data, without the message id it is worded from."""
    return {f.name: getattr(item, f.name) for f in fields(item) if f.name != "words"}


def _history_lines(oid: int, summary: Any, items: list[Any], lang: str, out: Out) -> int:
    """``journal history`` in ``lang`` (zh): the same lines, worded from message ids
    (``console.core.history``); the platform's words, ids and actors as given."""
    from console.core.history import kind_text

    def t(source: str, **values: object) -> str:
        return text("vendctl", source, **values).text(lang)

    if summary is None and not items:
        out.line(t(QT_TRANSLATE_NOOP("vendctl", "order {order} is not in the journal"), order=oid))
        return EXIT_OK
    if summary is not None:
        age = (
            t(QT_TRANSLATE_NOOP("vendctl", "age unknown"))
            if summary.first_seen is None
            else t(QT_TRANSLATE_NOOP("vendctl", "first seen {time}"), time=summary.first_seen_iso)
        )
        out.line(
            t(
                QT_TRANSLATE_NOOP("vendctl", "order {order} on machine {machine} ({age})"),
                order=oid,
                machine=summary.machine_no or "-",
                age=age,
            )
        )
    for it in items:
        words = it.words.text(lang) if it.words is not None else it.summary
        out.line(f"{it.ts_iso}  {_pad(kind_text(it.kind).text(lang), 13)} {words}")
    return EXIT_OK


def _pad(word: str, width: int) -> str:
    """``word`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in word)
    return word + " " * max(0, width - used)


def cmd_journal_replay(args: argparse.Namespace, out: Out) -> int:
    from console.receiver import ReplayError, replay

    cid = check_id(args.callback_id, "callback id")
    creds = resolve_creds(args, need_secrets=False)
    url = args.url or _env(ENV_NOTIFY_URL)
    if not url:
        runtime = _runtime_file(creds.profile)
        try:
            info = json.loads(runtime.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CliExit(
                EXIT_TRANSPORT, "no running receiver found: start `vendctl listen` or pass --url"
            ) from None
        url = f"http://{info['host']}:{info['port']}/notify/{_notify_token(creds.profile, out, create=False)}"
    with _journal(creds, args.journal) as j:
        if j.get_callback(cid) is None:
            raise BadInput(f"callback {cid} is not in the journal")
        try:
            status = replay(j, cid, url)
        except ReplayError as exc:
            raise CliExit(EXIT_TRANSPORT, f"replay failed: {exc}") from None
    out.json({"ok": 200 <= status < 300, "http_status": status})
    out.line(f"callback {cid} replayed to {_masked_url(url)}: HTTP {status} (marked as a replay)")
    return EXIT_OK if 200 <= status < 300 else EXIT_TRANSPORT


def _get_followup(j: Any, text: str) -> Any:
    fid = check_id(text, "follow-up id")
    f = j.get_followup(fid)
    if f is None:
        raise BadInput(f"follow-up {fid} does not exist")
    return f


class _NoPlatform:
    """Where no platform credentials are known: the platform cannot be asked."""

    def get_delivery(self, delivery_id: int, machine_no: str) -> Delivery:
        raise ConfigError("no platform credentials to ask the platform with")

    def get_order(self, order_id: int, machine_no: str) -> Any:
        raise ConfigError("no platform credentials to ask the platform with")


def cmd_followup_check(args: argparse.Namespace, out: Out) -> int:
    older, week = args.older_than, 7 * 24 * 3600
    if not 0 <= older <= week:
        raise BadInput(f"--older-than must be between 0 and {week} seconds, not {older:g}")
    creds = resolve_creds(args)
    client = make_client(args, out, creds)
    with _journal(creds, args.journal) as j:
        from console.receiver.crosscheck import CrossChecker

        done = run_checks(client, CrossChecker(client, j), j, time.time(), older)
    checks = done.overdue
    out.json({"ok": True, "data": checks, "late_cross_checks": done.late})
    lang = str(args.lang)
    for late in done.late:
        out.line(_late_check_text(late, lang))
    for c in checks:
        out.line(_overdue_check_text(c, lang))
    if not checks and not done.late:
        out.line(
            text(
                "vendctl",
                QT_TRANSLATE_NOOP(
                    "vendctl", "no dispense has waited more than {seconds} s for its result"
                ),
                seconds=f"{older:g}",
            ).text(lang)
        )
    return EXIT_OK


# A cross-check's verdict as vendctl prints it (the receiver's word, in capitals).
_VERDICT_WORDS = {
    "ok": QT_TRANSLATE_NOOP("vendctl", "OK"),
    "suspicious": QT_TRANSLATE_NOOP("vendctl", "SUSPICIOUS"),
    "unchecked": QT_TRANSLATE_NOOP("vendctl", "UNCHECKED"),
    "error": QT_TRANSLATE_NOOP("vendctl", "ERROR"),
}


def _late_check_text(late: Any, lang: str = "en") -> str:
    """A callback cross-checked late (``followup check``); the detail is the receiver's
    stored sentence, worded in ``lang`` when recognised."""
    from console.core.callback import OUTCOME_WORDS
    from console.core.followup import CROSS_CHECK, stored_text

    verdict = _VERDICT_WORDS.get(late.verdict)
    outcome = OUTCOME_WORDS.get(late.outcome)
    line = text(
        "vendctl",
        QT_TRANSLATE_NOOP(
            "vendctl",
            "callback #{callback} (order {order} record {record}, {outcome}) had not been "
            "confirmed: cross-check {verdict} — {detail}",
        ),
        callback=late.callback_id,
        order=late.order_id,
        record=late.record_id,
        outcome=translated("callback", outcome, lang) if outcome else late.outcome,
        verdict=translated("vendctl", verdict, lang) if verdict else late.verdict.upper(),
        detail=stored_text(late.detail, CROSS_CHECK),
    )
    if late.followup_id is not None:
        line = text(
            "vendctl",
            QT_TRANSLATE_NOOP("vendctl", "{line} → follow-up #{id}"),
            line=line,
            id=late.followup_id,
        )
    return line.text(lang)


# What ``followup check`` says it did, by the check's decision (console.dispensing.overdue).
_CHECK_DECISIONS = {
    "result unknown": QT_TRANSLATE_NOOP(
        "vendctl", "follow-up #{id}: result unknown — check before refunding"
    ),
    "still unknown": QT_TRANSLATE_NOOP(
        "vendctl", "follow-up #{id} still unknown: asked again later by itself"
    ),
    "confirmed failed": QT_TRANSLATE_NOOP(
        "vendctl", "follow-up #{id}: it failed — the customer may need a refund"
    ),
    "follow-up closed": QT_TRANSLATE_NOOP(
        "vendctl", "the item is out: follow-up #{id} closed by itself, no refund owed"
    ),
}


def _overdue_check_text(c: Any, lang: str = "en") -> str:
    """A dispense without a result, asked about (``followup check``): what the platform
    said (the journal's sentence, worded in ``lang`` when recognised) and what was done."""
    from console.core.followup import FOUND, stored_text

    def t(source: str, **values: object) -> str:
        return text("vendctl", source, **values).text(lang)

    values = {
        "order": c.order_id,
        "record": c.record_id,
        "delivery": c.delivery_id or "-",
        "time": c.sent_iso,
    }
    if c.record_id is not None:
        head = t(
            QT_TRANSLATE_NOOP(
                "vendctl", "order {order} record {record} (delivery {delivery}, sent {time})"
            ),
            **values,
        )
    else:
        head = t(
            QT_TRANSLATE_NOOP("vendctl", "order {order} (delivery {delivery}, sent {time})"),
            **values,
        )
    if c.decision == "result recorded":
        then = t(QT_TRANSLATE_NOOP("vendctl", "result recorded, no follow-up"))
    elif c.followup is None:
        then = t(QT_TRANSLATE_NOOP("vendctl", "nothing to do (its result came meanwhile)"))
    else:
        source = _CHECK_DECISIONS.get(c.decision) or QT_TRANSLATE_NOOP(
            "vendctl", "follow-up #{id} opened: the customer may need a refund"
        )
        then = t(source, id=c.followup.id)
    return t(
        QT_TRANSLATE_NOOP("vendctl", "{head}: platform says {found} → {then}"),
        head=head,
        found=stored_text(c.found, FOUND).text(lang),
        then=then,
    )


def cmd_followup_list(args: argparse.Namespace, out: Out) -> int:
    creds = resolve_creds(args, need_secrets=False)
    state = None if args.state == "all" else args.state
    with _journal(creds, args.journal) as j:
        rows = j.list_followups(state)
        overdue = j.overdue_dispenses(time.time())
    out.json({"ok": True, "data": [_followup_json(f) for f in rows]})
    for f in rows:
        out.line(_followup_text(f, str(args.lang)))
    if not rows:
        out.line("nothing to follow up" if state == "active" else "no follow-ups")
    if overdue:
        out.warn(
            f"{len(overdue)} dispense(s) have had no result for over {DEVICE_TIMEOUT_S} s: "
            "`vendctl followup check` asks the platform what became of them"
        )
    return EXIT_OK


def cmd_followup_refund(args: argparse.Namespace, out: Out) -> int:

    creds = resolve_creds(args)
    client = make_client(args, out, creds)
    with _journal(creds, args.journal) as j:
        f = _get_followup(j, args.followup_id)
        if f.state != "open":
            raise BadInput(f"follow-up {f.id} is {f.state}: only an open follow-up can be refunded")
        call = api.call_set_status(f.order_id, f.machine_no, OrderStatus.REFUND)
        if args.dry_run:
            _dry_run(client, call, out)
            return EXIT_OK
        _confirm(
            args,
            f"Refund order {f.order_id} on machine {f.machine_no} (follow-up #{f.id})?\n"
            "This sets the order's status to 2 (moved to refund) on the platform; the order's "
            "items go back to stock. Pay the customer back through your payment channel, then "
            "resolve the follow-up with its refund reference.",
            out,
        )
        # Refused before sending (exit 1) when it may not be refunded or clashes with a
        # running action on the order (console.core.intents).
        row, _ = refund_followup(client, j, f, args.note)
    out.json({"ok": True, "data": _followup_json(row)})
    out.line(
        f"follow-up #{f.id}: refund requested (order {f.order_id} set to 2). "
        f"When the customer has the money: vendctl followup resolve {f.id} --note REF"
    )
    return EXIT_OK


def _followup_close(args: argparse.Namespace, out: Out, resolve: bool) -> int:

    creds = resolve_creds(args, need_secrets=False)
    with _journal(creds, args.journal) as j:
        f = _get_followup(j, args.followup_id)
        try:
            row = (
                j.followup_resolve(f.id, args.note)
                if resolve
                else j.followup_dismiss(f.id, args.reason)
            )
        except FollowupError as exc:
            raise BadInput(str(exc)) from None
    out.json({"ok": True, "data": _followup_json(row)})
    out.line(f"follow-up #{row.id} is now {row.state}")
    return EXIT_OK


def cmd_followup_resolve(args: argparse.Namespace, out: Out) -> int:
    return _followup_close(args, out, resolve=True)


def cmd_followup_dismiss(args: argparse.Namespace, out: Out) -> int:
    return _followup_close(args, out, resolve=False)


COMMANDS: dict[tuple[str, str | None], Callable[[argparse.Namespace, Out], int]] = {
    ("ping", None): cmd_ping,
    ("machines", None): cmd_machines,
    ("machine", None): cmd_machine,
    ("products", None): cmd_products,
    ("order", "show"): cmd_order_show,
    ("order", "create"): cmd_order_create,
    ("order", "set-status"): cmd_set_status,
    ("dispense", None): cmd_dispense,
    ("delivery", None): cmd_delivery,
    ("test-dispense", None): cmd_test_dispense,
    ("doctor", None): cmd_doctor,
    ("pickup-codes", None): cmd_pickup_codes,
    ("payload", "encode"): cmd_payload_encode,
    ("payload", "decode"): cmd_payload_decode,
    ("sandbox", None): cmd_sandbox,
    ("listen", None): cmd_listen,
    ("serve", None): cmd_serve,
    ("journal", "orders"): cmd_journal_list,
    ("journal", "callbacks"): cmd_journal_list,
    ("journal", "actions"): cmd_journal_list,
    ("journal", "followups"): cmd_journal_list,
    ("journal", "history"): cmd_journal_history,
    ("journal", "migrate"): cmd_journal_migrate,
    ("journal", "copy"): cmd_journal_copy,
    ("journal", "replay"): cmd_journal_replay,
    ("followup", "list"): cmd_followup_list,
    ("followup", "check"): cmd_followup_check,
    ("followup", "refund"): cmd_followup_refund,
    ("followup", "resolve"): cmd_followup_resolve,
    ("followup", "dismiss"): cmd_followup_dismiss,
    ("profile", "list"): cmd_profile_list,
    ("profile", "add"): cmd_profile_add,
    ("profile", "remove"): cmd_profile_remove,
}


def _fail(
    out: Out, exit_code: int, kind: str, message: str, *, said: str | None = None, **extra: Any
) -> int:
    """The error in one sentence on stderr (``said``: in the language asked for, when it
    differs from the English ``message``); --json keeps the English ``message``."""
    if out.as_json:
        out.json({"ok": False, "error": {"kind": kind, "message": message, **extra}})
    print(f"vendctl: {message if said is None else said}", file=out.stderr, flush=True)
    return exit_code


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    out = Out(bool(args.json), stdout, stderr)
    if args.lang != "en":
        try:
            use_language(str(args.lang))
        except TranslationMissing as exc:
            print(f"vendctl: {exc}: reinstall the console, or use --lang en", file=stderr)
            return EXIT_TRANSPORT
    if args.command != "serve":  # the service logs to stderr only (console.service)
        setup_logging(
            app_paths().ensure(),
            stream=stderr,
            stream_level=logging.DEBUG if args.verbose else logging.WARNING,
            prefix="vendctl: ",
        )
    register_secrets(_env(n) for n in (ENV_APP_SECRET, ENV_SIGN_KEY, ENV_NOTIFY_TOKEN))
    try:
        return _run(args, out)
    finally:
        teardown_logging()


def _run(args: argparse.Namespace, out: Out) -> int:
    sub = getattr(args, "order_command", None) or getattr(args, "payload_command", None)
    for name in ("profile_command", "journal_command", "followup_command"):
        sub = sub or getattr(args, name, None)
    handler = COMMANDS[(args.command, sub)]
    try:
        return handler(args, out)
    except BadInput as exc:
        return _fail(out, EXIT_BAD_INPUT, "bad_input", str(exc))
    except CliExit as exc:
        kind = {1: "refused", 2: "bad_input", 3: "transport", 4: "credentials"}.get(
            exc.code, "error"
        )
        return _fail(out, exc.code, kind, exc.message)
    except PlatformRefused as exc:
        _load_chinese(out)  # the Chinese explanation beside the English
        return _fail(
            out,
            EXIT_REFUSED,
            "refused",
            f"platform refused: code {exc.code}, message {exc.message!r}\n"
            f"  meaning: {exc.explanation('en')} / {exc.explanation('zh')}",
            code=exc.code,
            platform_message=exc.message,
            http_status=exc.http_status,
            explanation_en=exc.explanation("en"),
            explanation_zh=exc.explanation("zh"),
        )
    except TransportError as exc:
        note = (
            "\n  the request may have reached the platform: check (vendctl order show) before trying again"
            if exc.sent
            else ""
        )
        return _fail(
            out,
            EXIT_TRANSPORT,
            "transport",
            exc.describe() + note,
            transport_kind=exc.kind,
            http_status=exc.http_status,
            excerpt=exc.excerpt,
            may_have_been_sent=exc.sent,
        )
    except ConfigError as exc:
        return _fail(out, EXIT_BAD_INPUT, "bad_input", str(exc))
    except IntentClash as exc:  # another action on this order is running: nothing sent
        return _fail(out, EXIT_REFUSED, "busy", str(exc), said=exc.text.text(str(args.lang)))
    except TextError as exc:  # refused before anything was sent
        return _fail(out, EXIT_REFUSED, "refused", str(exc), said=exc.text.text(str(args.lang)))
    except FollowupError as exc:  # refused before anything was sent (worded in English)
        return _fail(out, EXIT_REFUSED, "refused", str(exc))
    except JournalError as exc:  # unreachable, wrong password, newer schema, not a journal
        return _fail(out, EXIT_TRANSPORT, "journal", str(exc))
    except CredentialsError as exc:
        return _fail(out, EXIT_CREDENTIALS, "credentials", str(exc))
    except ApiError as exc:
        return _fail(out, EXIT_TRANSPORT, "error", str(exc))
    except KeyboardInterrupt:
        return _fail(out, 130, "interrupted", "interrupted")


def _entry() -> NoReturn:
    sys.exit(main())


if __name__ == "__main__":
    _entry()
