"""High-DPI screens (scale 1.5 and 2): the window renders at the scale without clipped text.

Qt fixes the scale when it starts, so each scale runs the real window in a process of
its own (tests/gui/hidpi_probe.py) on an offscreen 4K screen with ``QT_SCALE_FACTOR``
(the offscreen screen's own "dpr" setting does not reach its windows; the factor does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from tests.gui.clipping import clipped

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("scale", [1.5, 2.0])
def test_at_scale_the_window_renders_every_tab_without_clipped_text(
    tmp_path: Path, scale: float
) -> None:
    # A 4K screen (the offscreen default, 800×800, is too small for the window at 2×),
    # scaled the way a user's desktop scales it.
    screen = {
        "screens": [{"name": "4k", "x": 0, "y": 0, "width": 3840, "height": 2160, "logicalDpi": 96}]
    }
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screen), encoding="utf-8")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        QT_SCALE_FACTOR=str(scale),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.hidpi_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["dpr"] == scale  # the window really ran at that scale
    # ... and rendered at it: a 1024×700 window is scale times as many pixels.
    assert result["picture"] == [round(1024 * scale), round(700 * scale)]
    assert result["looked_at"] > 400  # every tab, both sizes, both languages were walked
    assert result["clipped"] == []


def test_the_clipping_check_sees_a_squeezed_button(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    squeezed = QPushButton("Refund customer and mark it refunded")
    squeezed.setFixedWidth(40)
    layout.addWidget(squeezed)
    window.show()
    qtbot.waitExposed(window)
    assert [line for line in clipped(window) if "Refund customer" in line]
    squeezed.setMinimumWidth(0)
    squeezed.setMaximumWidth(10_000)
    squeezed.adjustSize()
    window.adjustSize()
    qtbot.wait(10)
    assert clipped(window) == []
