"""The guide's screenshot script still runs against the current window (a few seconds)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_script_takes_every_picture(qapp, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "screenshots", ROOT / "scripts" / "screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shots = module.take(tmp_path / "images", tmp_path / "home")
    shots += module.in_chinese(module.take, tmp_path / "images", tmp_path / "home")
    names = {p.name for p in shots}
    english = {n for n in names if not n.endswith("-zh_CN.png")}
    assert len(english) == 9
    # Every picture of the guide in both languages.
    assert names == english | {n.replace(".png", "-zh_CN.png") for n in english}
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    for name in names:
        image = QImage(str(tmp_path / "images" / name))
        assert not image.isNull() and image.width() > 300, name
    referenced = {n for n in names if f"images/{n})" in guide}
    assert referenced == names, "pictures the guide does not show"


def test_screenshot_script_pictures_every_tab_at_the_small_sizes(qapp, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "screenshots", ROOT / "scripts" / "screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shots = module.take_sizes(tmp_path / "images", tmp_path / "home")
    shots += module.in_chinese(module.take_sizes, tmp_path / "images", tmp_path / "home")
    expected = {
        f"size-{tab}-{w}x{h}{lang}.png"
        for tab in module.TABS
        for w, h in ((1024, 700), (1366, 768))
        for lang in ("", "-zh_CN")
    }
    assert {p.name for p in shots} == expected
    for path in shots:
        image = QImage(str(path))
        size = re.search(r"-(\d+)x(\d+)", path.name)
        assert size is not None
        assert (image.width(), image.height()) == (int(size[1]), int(size[2])), path.name
