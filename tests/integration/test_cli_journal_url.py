"""Every `vendctl journal …` and `followup …` command reads and writes the journal named
by `--journal URL` — a SQLite file or a PostgreSQL database, the same output from both —
and says in one sentence when it cannot (exit 2 for a URL that cannot be used, 3 for a
database that cannot be reached, the password never shown)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from console.cli import build_parser
from console.core.rules import platform_key
from console.journal import Journal

from .test_cli import env, vendctl  # noqa: F401 - the env fixture: the sandbox's credentials


def _subcommands(parser: argparse.ArgumentParser, name: str) -> dict[str, argparse.ArgumentParser]:
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    group = top.choices[name]
    sub = next(a for a in group._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_journal_and_followup_command_takes_journal_url() -> None:
    parser = build_parser()
    for name in ("journal", "followup"):
        for action, sub in _subcommands(parser, name).items():
            flags = {f for a in sub._actions for f in a.option_strings}
            # `journal copy` names its two journals with --from and --to instead.
            wanted = {"--from", "--to"} if (name, action) == ("journal", "copy") else {"--journal"}
            assert wanted <= flags, f"vendctl {name} {action}"


def _url(where: Path | str) -> str:
    return f"sqlite:///{where}" if isinstance(where, Path) else where


def test_journal_and_followup_commands_on_the_named_journal(
    env: dict[str, str],  # noqa: F811
    journal_at: Path | str,
) -> None:
    scope = platform_key(env["VENDCTL_BASE_URL"], env["VENDCTL_APPID"])
    with Journal(journal_at, "env", platform=scope) as j:
        aid = j.begin_action("dispense", "16327129", 60, {"record_id": 78, "paid": True})
        j.finish_action(aid, "refused", 6001, "device busy")
        (followup,) = j.list_followups("open")
    url = _url(journal_at)
    r = vendctl("journal", "actions", "--journal", url, "--json")
    assert r.code == 0, r.err
    assert [a["id"] for a in r.json["data"]] == [aid]
    r = vendctl("journal", "history", "60", "--journal", url)
    assert r.code == 0 and "dispense record 78: refused" in r.out, r.out
    r = vendctl("journal", "followups", "--journal", url, "--export", "json")
    assert r.code == 0 and [f["id"] for f in json.loads(r.out)] == [followup.id]
    r = vendctl("followup", "list", "--journal", url)
    assert r.code == 0 and f"#{followup.id}" in r.out, r.out
    r = vendctl("followup", "dismiss", str(followup.id), "--reason", "no charge", "--journal", url)
    assert (r.code, r.out) == (0, f"follow-up #{followup.id} is now dismissed\n"), r.err
    with Journal(journal_at, "env", platform=scope) as j:
        found = j.get_followup(followup.id)
        assert found is not None and found.state == "dismissed"
    # The default journal (this computer's file) was not touched.
    r = vendctl("journal", "actions", "--json")
    assert r.code == 0 and r.json["data"] == []


def test_a_journal_url_that_cannot_be_used_or_reached(env: dict[str, str]) -> None:  # noqa: F811
    r = vendctl("journal", "orders", "--journal", "mysql://u@h/db")
    assert r.code == 2 and r.err.startswith("vendctl: mysql://u@h/db: a journal is"), r.err
    r = vendctl("followup", "list", "--journal", "postgresql://vc:s3cret@127.0.0.1:1/vending")
    assert r.code == 3, r.err
    assert r.err.startswith("vendctl: cannot open the journal postgresql://vc:***@127.0.0.1:1/")
    assert "s3cret" not in r.err and "Traceback" not in r.err and r.err.count("\n") == 1
