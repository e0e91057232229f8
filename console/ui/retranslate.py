"""A language change, live: every text the window shows made again in the new language.

``retranslate_widgets`` walks the widgets and their actions and re-sets each text
that ``translate`` made (``console.ui.texts.Tr`` remembers its message id and
arguments) in the language installed now; table headers are asked again; texts
computed from data (statuses, fault meanings, Recent entries) are re-rendered by
their own widgets, which ``retranslate()`` when they have one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from PySide6.QtCore import QAbstractProxyModel
from PySide6.QtGui import QAction, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

from console.ui.texts import Tr, retranslated

# What each text was last made from, by (object, which text): a text set here is made again
# from exactly that, as two message ids may share their words in one language.
_set: dict[tuple[int, str], Tr] = {}


def _redo(obj: object, which: str, get: Callable[[], str], put: Callable[[str], None]) -> None:
    words = get()
    key = (id(obj), which)
    known = _set.get(key)
    again = known.again() if known is not None and known == words else retranslated(words)
    if again is None:
        _set.pop(key, None)
        return
    _set[key] = again
    if again != words:
        put(again)


def _widget(w: QWidget) -> None:
    _redo(w, "title", w.windowTitle, w.setWindowTitle)
    _redo(w, "tooltip", w.toolTip, w.setToolTip)
    _redo(w, "status tip", w.statusTip, w.setStatusTip)
    _redo(w, "name", w.accessibleName, w.setAccessibleName)
    _redo(w, "description", w.accessibleDescription, w.setAccessibleDescription)
    if isinstance(w, (QLabel, QAbstractButton)):
        _redo(w, "text", w.text, w.setText)
    elif isinstance(w, QGroupBox):
        _redo(w, "text", w.title, w.setTitle)
    elif isinstance(w, (QLineEdit, QPlainTextEdit)):
        _redo(w, "placeholder", w.placeholderText, w.setPlaceholderText)
    elif isinstance(w, QTabBar):
        for i in range(w.count()):
            _redo(w, f"tab {i}", partial(w.tabText, i), partial(w.setTabText, i))
            _redo(w, f"tab tip {i}", partial(w.tabToolTip, i), partial(w.setTabToolTip, i))
    elif isinstance(w, QComboBox):
        _redo(w, "placeholder", w.placeholderText, w.setPlaceholderText)
        if isinstance(w.model(), QStandardItemModel):  # its own items, not a table's rows
            for i in range(w.count()):
                _redo(w, f"item {i}", partial(w.itemText, i), partial(w.setItemText, i))
    if isinstance(w, QAbstractItemView):
        model = w.model()
        while isinstance(model, QAbstractProxyModel):
            model = model.sourceModel()
        retranslate = getattr(model, "retranslate", None)
        if callable(retranslate):
            retranslate()


def _action(a: QAction) -> None:
    _redo(a, "text", a.text, a.setText)  # first: the tooltip follows it unless set apart
    _redo(a, "tooltip", a.toolTip, a.setToolTip)
    _redo(a, "status tip", a.statusTip, a.setStatusTip)


def retranslate_widgets(widgets: Iterable[QWidget]) -> None:
    """Re-set every ``translate``-made text of ``widgets`` and their actions, then let each
    widget with a ``retranslate()`` method re-render what it computes from data."""
    widgets = list(widgets)
    actions: dict[int, QAction] = {}
    for w in widgets:
        _widget(w)
        for a in [*w.actions(), *w.findChildren(QAction)]:
            actions[id(a)] = a
    for a in actions.values():
        _action(a)
    for w in widgets:
        own = getattr(w, "retranslate", None)
        if callable(own):
            own()
