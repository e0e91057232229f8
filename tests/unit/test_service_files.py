"""The deployment files in packaging/service/ say what docs/deploy.md says they do.

The unit file is checked by systemd's own parser (``systemd-analyze verify``, which
also warns on a misspelt value) and read as INI for the settings that matter; the
Caddy and nginx configurations are read as text (neither server is installed for
the tests): they reach the service on its port, and pass on only /notify/ and
/healthz, without an access log that could record a notify token.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from console.credentials.sources import CREDENTIAL_NAMES
from console.service import DEFAULT_PORT

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "packaging" / "service"
UNIT = SERVICE / "vendctl-serve.service"


def unit_settings(text: str) -> dict[str, dict[str, list[str]]]:
    """``[Section]`` → key → every value (systemd keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if m := re.fullmatch(r"\[(\w+)\]", line):
            current = sections.setdefault(m.group(1), {})
            continue
        assert current is not None, f"a setting outside a section: {line!r}"
        key, sep, value = line.partition("=")
        assert sep, f"not key=value: {line!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def service_port() -> int:
    (exec_start,) = unit_settings(UNIT.read_text())["Service"]["ExecStart"]
    m = re.search(r"--port (\d+)", exec_start)
    assert m, exec_start
    return int(m.group(1))


def test_the_unit_file_passes_systemds_own_check(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze (Debian's systemd package) is needed for this check"
    # The unit names the installed program; here the suite's own stands in for it.
    vendctl = Path(sys.executable).with_name("vendctl")
    text = UNIT.read_text().replace("/opt/vendctl/venv/bin/vendctl", str(vendctl))
    assert text != UNIT.read_text()
    copy = tmp_path / UNIT.name
    copy.write_text(text)
    run = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == "", run.stderr  # a misspelt value is only a warning


def test_the_unit_runs_serve_unprivileged_with_its_credentials_and_hardening() -> None:
    s = unit_settings(UNIT.read_text())
    svc = s["Service"]
    (exec_start,) = svc["ExecStart"]
    assert exec_start.startswith("/opt/vendctl/venv/bin/vendctl serve ")
    assert "--journal sqlite:////var/lib/vendctl/journal.sqlite3" in exec_start
    assert "--host 127.0.0.1" in exec_start and service_port() == DEFAULT_PORT
    assert "--public-url ${VENDCTL_PUBLIC_URL}" in exec_start
    assert svc["User"] == ["vendctl"] and svc["StateDirectory"] == ["vendctl"]
    loaded = {v.split(":", 1)[0]: v.split(":", 1)[1] for v in svc["LoadCredential"]}
    assert set(loaded) == set(CREDENTIAL_NAMES)  # the names console.credentials reads
    assert all(path == f"/etc/vendctl/credentials/{n}" for n, path in loaded.items())
    assert not any("SECRET" in v or "TOKEN" in v for v in svc.get("Environment", []))
    assert svc["Restart"] == ["on-failure"] and svc["RestartPreventExitStatus"] == ["2"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "MemoryDenyWriteExecute": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert svc[key] == [value], key
    assert "@system-service" in svc["SystemCallFilter"]
    assert s["Install"]["WantedBy"] == ["multi-user.target"]


def caddy_blocks(text: str, head: str) -> list[tuple[str, str]]:
    """Each ``head <matcher> {...}`` block: (matcher, body), braces balanced."""
    out = []
    for m in re.finditer(rf"(?m)^\s*{head}\s*(\S*)\s*\{{", text):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out.append((m.group(1), text[m.end() : i - 1]))
    return out


def uncommented(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def test_caddy_passes_on_only_notify_and_healthz_to_the_service_without_logging_them() -> None:
    text = uncommented((SERVICE / "Caddyfile").read_text())
    handles = caddy_blocks(text, "handle")
    proxied = {matcher for matcher, body in handles if "reverse_proxy" in body}
    assert proxied == {"/notify/*", "/healthz"}
    targets = re.findall(r"reverse_proxy\s+(\S+)", text)
    assert targets == [f"127.0.0.1:{service_port()}"] * 2
    ((_, rest),) = [(m, b) for m, b in handles if m == ""]
    assert rest.split() == ["respond", "404"]
    # No access log anywhere; the only `log` is the global one leaving handler errors out.
    assert re.findall(r"(?m)^\s*log\b.*$", text) == ["\tlog default {"]
    assert "exclude http.log.error" in text


def nginx_locations(server: str) -> dict[str, str]:
    return {
        m.group(1).strip(): m.group(2)
        for m in re.finditer(r"location\s+([^{]+?)\s*\{([^{}]*)\}", server)
    }


def test_nginx_passes_on_only_notify_and_healthz_and_never_logs_a_token() -> None:
    text = uncommented((SERVICE / "nginx-vendctl.conf").read_text())
    servers = [body for head, body in caddy_blocks(text, "server") if head == ""]
    assert len(servers) == 2
    plain, tls = servers
    assert "listen 443 ssl" in tls and "ssl_certificate " in tls
    tls_locations = nginx_locations(tls)
    proxied = {loc for loc, body in tls_locations.items() if "proxy_pass" in body}
    assert proxied == {"/notify/", "= /healthz"}
    assert tls_locations["/"].split() == ["return", "404;"]
    assert all("proxy_pass" not in body for body in nginx_locations(plain).values())
    assert re.findall(r"proxy_pass\s+([^;]+);", text) == ["http://vendctl_serve"] * 2
    ((upstream, body),) = [b for b in caddy_blocks(text, "upstream")]
    assert upstream == "vendctl_serve"
    assert re.findall(r"server\s+([^;]+);", body) == [f"127.0.0.1:{service_port()}"]
    # Every access log uses the masked format, which never holds the request line or URI.
    logs = re.findall(r"access_log\s+([^;]+);", text)
    assert logs and all(entry.split()[-1] == "vendctl_masked" for entry in logs)
    (fmt,) = re.findall(r"log_format\s+vendctl_masked\s+([^;]+);", text)
    assert "$vendctl_logged_uri" in fmt
    assert not re.search(r"\$request\b|\$request_uri|\$uri|\$args|\$query_string", fmt)
    assert "~^/notify/  /notify/****;" in text
    # nginx's own upstream errors quote the request line: below "crit" they are not logged.
    for where in (tls_locations["/notify/"], nginx_locations(plain)["/notify/"]):
        assert "error_log /var/log/nginx/error.log crit;" in where
