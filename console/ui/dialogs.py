"""Questions before destructive actions, and notes for follow-ups.

Every confirmation says what will happen and has **Cancel as the default
button** (Enter or Escape cancels); the go-ahead button is named after the
action, never a bare "OK".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class Question:
    """A confirmation: ``text`` says what will happen, ``action`` names the go-ahead."""

    title: str
    text: str
    action: str
    detail: str = ""


@dataclass(frozen=True)
class NoteRequest:
    title: str
    prompt: str
    action: str
    required: bool = True
    initial: str = ""


def question_box(parent: QWidget | None, question: Question) -> tuple[QMessageBox, QPushButton]:
    """The message box for ``question`` and its go-ahead button (Cancel is the default)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(question.title)
    box.setText(question.text)
    if question.detail:
        box.setInformativeText(question.detail)
    go = box.addButton(question.action, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box, go


def confirm(parent: QWidget | None, question: Question) -> bool:
    box, go = question_box(parent, question)
    box.exec()
    return box.clickedButton() is go


class NoteDialog(QDialog):
    """Asks for a note (a refund reference, a reason); OK stays off while a required note is empty."""

    def __init__(self, parent: QWidget | None, request: NoteRequest) -> None:
        super().__init__(parent)
        self.setWindowTitle(request.title)
        self.required = request.required
        layout = QVBoxLayout(self)
        label = QLabel(request.prompt)
        label.setWordWrap(True)
        self.editor = QPlainTextEdit(request.initial)
        self.editor.setTabChangesFocus(True)
        label.setBuddy(self.editor)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(request.action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.editor.textChanged.connect(self._update)
        layout.addWidget(label)
        layout.addWidget(self.editor)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(not self.required or bool(self.note()))

    def note(self) -> str:
        return self.editor.toPlainText().strip()


def ask_note(parent: QWidget | None, request: NoteRequest) -> str | None:
    dialog = NoteDialog(parent, request)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.note()
