"""One cold start, measured by the parent: prints ``PAINTED <epoch>`` after the first paint.

``app``: the console as ``vending-console`` builds it (Sandbox profile, offscreen),
timestamps after the main window's first paint and after the Sandbox profile opened.
``bare``: a bare PySide6 main window with the same kinds of widgets.
"""

from __future__ import annotations

import os
import sys
import time


def _watch_first_paint(app, window, done) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watch(QObject):
        seen = False

        def eventFilter(self, obj, event):
            if not self.seen and event.type() == QEvent.Type.Paint and obj is window:
                self.seen = True
                QTimer.singleShot(0, done)  # after this paint pass has finished
            return False

    w = Watch(app)
    app.installEventFilter(w)
    app._bench_watch = w  # keep it alive


def bare() -> None:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import (
        QApplication,
        QCheckBox,
        QComboBox,
        QDockWidget,
        QFormLayout,
        QGroupBox,
        QHBoxLayout,
        QLabel,
        QLineEdit,
        QMainWindow,
        QPlainTextEdit,
        QProgressBar,
        QPushButton,
        QSplitter,
        QTableView,
        QTabWidget,
        QToolBar,
        QVBoxLayout,
        QWidget,
    )

    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: B008
            return 4

        def columnCount(self, parent=QModelIndex()):  # noqa: B008
            return 4

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return f"{index.row()},{index.column()}" if role == 0 else None

    app = QApplication(sys.argv[:1])
    win = QMainWindow()
    central = QWidget()
    lay = QVBoxLayout(central)
    lay.addWidget(QLabel("<b>Sandbox</b> banner"))
    tabs = QTabWidget()
    split = QSplitter()
    left = QWidget()
    ll = QVBoxLayout(left)
    ll.addWidget(QLineEdit())
    t1 = QTableView()
    t1.setModel(Model(t1))
    ll.addWidget(t1)
    right = QWidget()
    rl = QVBoxLayout(right)
    box = QGroupBox("Order")
    form = QFormLayout(box)
    form.addRow("Order id", QLineEdit())
    combo = QComboBox()
    combo.addItems(["1", "2", "3"])
    form.addRow("Status", combo)
    form.addRow(QPushButton("Apply"))
    rl.addWidget(box)
    t2 = QTableView()
    t2.setModel(Model(t2))
    rl.addWidget(t2)
    split.addWidget(left)
    split.addWidget(right)
    tabs.addTab(split, "Machines")
    tabs.addTab(QTableView(), "Follow-ups")
    lay.addWidget(tabs)
    win.setCentralWidget(central)
    dock = QDockWidget("Log")
    body = QWidget()
    bl = QVBoxLayout(body)
    fl = QHBoxLayout()
    for _ in range(3):
        fl.addWidget(QLineEdit())
    fl.addWidget(QCheckBox("Follow tail"))
    bl.addLayout(fl)
    ds = QSplitter()
    t3 = QTableView()
    t3.setModel(Model(t3))
    ds.addWidget(t3)
    ds.addWidget(QPlainTextEdit())
    bl.addWidget(ds)
    dock.setWidget(body)
    win.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    win.menuBar().addMenu("&File").addAction("&Quit")
    tb = QToolBar()
    tb.addWidget(QComboBox())
    win.addToolBar(tb)
    bar = QProgressBar()
    win.statusBar().addPermanentWidget(bar)
    win.resize(1280, 860)

    def done() -> None:
        print(f"PAINTED {time.time():.6f}", flush=True)
        os._exit(0)

    _watch_first_paint(app, win, done)
    win.show()
    app.exec()


def console_app(home: str) -> None:
    os.environ["VENDING_CONSOLE_HOME"] = home
    from PySide6.QtWidgets import QApplication

    from console.app import ConsoleApp

    app = QApplication(sys.argv[:1])
    console = ConsoleApp()
    painted: list[float] = []

    def done() -> None:
        painted.append(time.time())
        print(f"PAINTED {painted[0]:.6f}", flush=True)

    def poll() -> None:
        if painted and console.window.ws.env is not None:
            print(f"READY {time.time():.6f}", flush=True)
            os._exit(0)

    from PySide6.QtCore import QTimer

    _watch_first_paint(app, console.window, done)
    console.window.show()
    console.start()
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(5)
    QTimer.singleShot(30_000, lambda: os._exit(3))
    app.exec()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        console_app(sys.argv[2])
