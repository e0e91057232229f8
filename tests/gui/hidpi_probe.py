"""Run by tests/gui/test_high_dpi.py in a process of its own (the scale is fixed when Qt
starts): the real window on its own sandbox, with data in every tab, at 1024×700 and
1366×768, in English then Chinese (switched live); prints JSON: the screen's device
pixel ratio, the size of a grabbed picture and every clipped text found."""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from console.settings import LANGUAGE_EN, LANGUAGE_ZH, install_language
from tests.gui.clipping import clipped, text_widgets

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    spec = importlib.util.spec_from_file_location(
        "screenshots", ROOT / "scripts" / "screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    shots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shots)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_language(LANGUAGE_EN)
    found: list[str] = []
    looked_at = 0
    with tempfile.TemporaryDirectory(prefix="vc-hidpi-") as home:
        s = shots.Session(Path(home))
        w = s.window
        try:
            # Troubleshoot with the canteen's faults; a follow-up; an order with records.
            s.choose_machine(shots.CANTEEN)
            w.tabs.setCurrentWidget(w.troubleshoot)
            shots.wait_until("the machine checked", lambda: w.troubleshoot.diagnosis is not None)
            shots.wait_until("the check done", lambda: not w.troubleshoot.busy)
            s.choose_machine(shots.LOBBY)
            s.new_paid_order()
            s.sandbox.inject("device:fail=1#1")
            s.dispense_all()
            shots.wait_until("the follow-up", lambda: w.followups.model.rowCount() > 0)
            for lang in (LANGUAGE_EN, LANGUAGE_ZH):
                w.language_actions[lang].trigger()
                for width, height in ((1024, 700), (1366, 768)):
                    w.resize(width, height)
                    for tab in range(w.tabs.count()):
                        w.tabs.setCurrentIndex(tab)
                        shots.settle(0.2)
                        looked_at += text_widgets(w)
                        found += [
                            f"{lang} {width}x{height} tab {tab}: {line}" for line in clipped(w)
                        ]
            w.resize(1024, 700)
            shots.settle(0.2)
            picture = w.grab().toImage()
        finally:
            w.language_actions[LANGUAGE_EN].trigger()
            s.close()
    print(
        json.dumps(
            {
                "dpr": app.primaryScreen().devicePixelRatio(),
                "picture": [picture.width(), picture.height()],
                "clipped": found,
                "looked_at": looked_at,
            }
        )
    )


if __name__ == "__main__":
    main()
