"""The packaging files agree with each other and pass the desktop validators."""

from __future__ import annotations

import ast
import configparser
import fnmatch
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from console import resources
from tests.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = ROOT / "console" / "resources" / resources.DESKTOP_FILE
METAINFO = ROOT / "console" / "resources" / resources.METAINFO_FILE
SPEC = PACKAGING / "vending-console.spec"


def _validator(name: str) -> str:
    return require_tool(name, "scripts/system-deps.sh")


def test_desktop_file_passes_desktop_file_validate() -> None:
    tool = _validator("desktop-file-validate")
    run = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr


def test_metainfo_passes_appstreamcli_validate() -> None:
    tool = _validator("appstreamcli")
    run = subprocess.run(
        [tool, "validate", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_desktop_file_and_metainfo_name_the_same_app() -> None:
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(DESKTOP, encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Icon"] == resources.APP_ID
    assert entry["Exec"].split()[0] == "vending-console"

    component = ET.parse(METAINFO).getroot()  # noqa: S314 (our own file)
    assert component.findtext("id") == resources.APP_ID
    # install.sh and the spec install the desktop file under the app id.
    assert component.findtext("launchable") == f"{resources.APP_ID}.desktop"
    assert component.findtext("provides/binary") == "vending-console"
    assert component.findtext("name") == entry["Name"]


def _spec_assignments() -> dict[str, object]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def test_spec_bundles_what_the_frozen_program_needs() -> None:
    text = SPEC.read_text(encoding="utf-8")
    values = _spec_assignments()
    assert values["APP_ID"] == resources.APP_ID
    assert values["APP_NAME"] == "vending-console"
    # keyring finds its backends by entry point: its metadata and the backend modules.
    assert 'copy_metadata("keyring")' in text
    assert 'collect_submodules("keyring.backends")' in text
    assert 'collect_submodules("secretstorage")' in text
    assert 'collect_submodules("jeepney")' in text
    # console.resources is found through importlib.resources under sys._MEIPASS/console.
    assert '"console/resources"' in text
    assert '"console/resources/translations"' in text
    assert (PACKAGING / "linux" / "install.sh").stat().st_mode & 0o111


def test_spec_does_not_exclude_a_qt_module_the_console_imports() -> None:
    """Excluding a Qt module the console uses would only show in the frozen program."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    unused: set[str] = set()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "QT_UNUSED"
        ):
            call = node.value
            assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            assert isinstance(call.func.value, ast.Constant)
            unused = set(str(call.func.value.value).split())
    assert "QtWebEngineCore" in unused  # the parse found the list
    used: set[str] = set()
    for f in (ROOT / "console").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            used.update(n.split(".")[1] for n in names if n.startswith("PySide6."))
    assert used & {"QtCore", "QtGui", "QtWidgets"}
    assert not used & unused, f"the spec excludes Qt modules the console imports: {used & unused}"


def test_resources_are_package_data_found_through_the_package() -> None:
    assert not resources.is_frozen()
    assert resources.resources_dir() == ROOT / "console" / "resources"
    assert resources.icon_file().is_file()
    assert resources.state_icon_file("lock").is_file()
    assert sorted(q.name for q in resources.translations_dir().glob("*.qm")) == [
        "vending_console_zh_CN.qm"
    ]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = project["tool"]["setuptools"]["package-data"]["console.resources"]
    for path in (
        resources.icon_file(),
        resources.state_icon_file("lock"),
        resources.state_icon_file("attention"),
        DESKTOP,
        METAINFO,
        *resources.translations_dir().glob("*.qm"),
    ):
        rel = path.relative_to(resources.resources_dir()).as_posix()
        assert any(fnmatch.fnmatch(rel, pattern) for pattern in shipped), f"{rel} is not shipped"


def test_make_package_runs_the_self_check_of_the_built_program() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\npackage:", 1)[1].split("\n\n", 1)[0]
    assert "packaging/vending-console.spec" in recipe
    assert "dist/vending-console/vending-console --self-check" in recipe
