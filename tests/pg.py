"""A private PostgreSQL server for the test session, from Debian's ``postgresql`` package.

``scripts/system-deps.sh test`` installs the package when it is missing. The server is
the suite's own: ``initdb`` into a temporary folder, listening on a free loopback port
and on a Unix socket in that folder, password (SCRAM) authentication for everyone, and
fsync off (nothing in it must survive a power cut). It is stopped and deleted at the end
of the session. PostgreSQL refuses to run as root: as root it runs as the ``postgres``
system user the package creates; otherwise as the current user.

A server that cannot start fails the tests that need it, loudly, with its log: a test
about PostgreSQL never passes by being skipped.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

USER = "vctest"
# Not a secret: a throwaway server on loopback that lives as long as the test session.
PASSWORD = "vc-test-pw"


class PgUnavailable(RuntimeError):
    """The suite's PostgreSQL server could not be started."""


def find_bindir() -> Path:
    """Where ``initdb``, ``pg_ctl`` and ``postgres`` are: ``pg_config --bindir``, else the
    newest ``/usr/lib/postgresql/*/bin``."""
    candidates: list[Path] = []
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout
        candidates.append(Path(out.strip()))

    def version(path: str) -> tuple[int, ...]:
        name = Path(path).parent.name
        return tuple(int(p) for p in name.split(".") if p.isdigit())

    candidates += [
        Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version)[::-1]
    ]
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise PgUnavailable(
        "PostgreSQL's server programs (initdb, pg_ctl) are not installed: run "
        "'scripts/system-deps.sh test' (as root) to install Debian's postgresql package"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One private server; ``url(db)`` gives a SQLAlchemy URL for one of its databases."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="vc-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._run_as: list[str] = []
        self._names = itertools.count(1)
        self._options = ""
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PgUnavailable(
                    "running as root but there is no 'postgres' user to run PostgreSQL as: "
                    "install Debian's postgresql package (scripts/system-deps.sh test)"
                ) from exc
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._run_as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._run_as, *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        )

    def _fail(self, what: str, proc: subprocess.CompletedProcess[str]) -> PgUnavailable:
        log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        return PgUnavailable(
            f"the test PostgreSQL server could not {what} (exit {proc.returncode}):\n"
            f"{proc.stdout}{proc.stderr}\n--- server log ---\n{log}"
        )

    def start(self, settings: tuple[str, ...] = ()) -> None:
        """``initdb`` and start; ``settings`` are more ``name=value`` server settings
        (the journal benchmark gives its bulk load more memory)."""
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._run_as:
            owner = pwd.getpwnam("postgres")
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        pwfile.chmod(0o600)
        proc = self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        pwfile.unlink()
        if proc.returncode != 0:
            raise self._fail("be created (initdb)", proc)
        self._options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
                *(f"-c {setting}" for setting in settings),
            ]
        )
        # A free port may be taken by someone else before the server binds it: try again.
        for _ in range(5):
            self.port = _free_port()
            proc = self._pg_ctl_start()
            if proc.returncode == 0:
                return
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            if "could not bind" not in log and "Address already in use" not in log:
                break
        raise self._fail("start (pg_ctl start)", proc)

    def _pg_ctl_start(self) -> subprocess.CompletedProcess[str]:
        return self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"{self._options} -p {self.port}",
            "start",
        )

    def pause(self) -> None:
        """Stop the server as an outage would (clients are cut off), keeping its data."""
        proc = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        if proc.returncode != 0:
            raise self._fail("stop (pg_ctl stop)", proc)

    def resume(self) -> None:
        """Start a paused server again, at the same address."""
        proc = self._pg_ctl_start()
        if proc.returncode != 0:
            raise self._fail("start again (pg_ctl start)", proc)

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is kept) and delete its folder."""
        if self.data.exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres", *, password: str = PASSWORD) -> str:
        return f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=USER,
            password=PASSWORD,
            dbname="postgres",
            autocommit=True,
        )

    def create_database(self) -> str:
        """A new empty database (from ``template0``, nothing in it); returns its name."""
        name = f"vc_test_{os.getpid()}_{next(self._names)}"
        with self._admin() as conn:
            # FILE_COPY: one directory copy, cheaper than WAL-logging every block of it.
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY FILE_COPY')
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
