"""Slot (floor) states and dispense fault texts, in plain words for staff.

Every value and text in platform-api.md section 5 has a meaning and a check to
make. They are message ids (English sources marked ``QT_TRANSLATE_NOOP``); the
Chinese is in the Qt Linguist ``.ts`` file, used by the window and ``vendctl --lang zh``
alike. Unknown texts are shown raw and marked unknown. The fault texts themselves
("Goods are Stuck") are the platform's words: data, shown as given beside a meaning.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from console.core.texts import QT_TRANSLATE_NOOP, Text, text

CONTEXT = "faults"


class FloorStatus(enum.IntEnum):
    MISSING = 0
    NORMAL = 1
    JAMMED = 2
    MOTOR_FAULT = 3
    SERIAL_TIMEOUT = 47


@dataclass(frozen=True)
class Meaning:
    """A plain explanation of a machine state or fault, with what to check.

    ``meaning`` and ``check`` are message ids (English sources in the ``faults``
    context, filled with ``values``); their Chinese lives in the ``.ts`` file.
    """

    key: str
    meaning: str
    check: str
    known: bool = True
    values: tuple[tuple[str, object], ...] = ()

    @property
    def meaning_text(self) -> Text:
        return Text(CONTEXT, self.meaning, self.values)

    @property
    def check_text(self) -> Text:
        return Text(CONTEXT, self.check, self.values)

    @property
    def long_text(self) -> Text:
        """ "No drop was detected: the item is jammed. Check: open the cabinet …"."""
        return text(
            CONTEXT,
            QT_TRANSLATE_NOOP("faults", "{meaning}. Check: {check}"),
            meaning=self.meaning_text,
            check=self.check_text,
        )

    def text(self, lang: str = "en") -> str:
        return self.long_text.text(lang)

    def short(self, lang: str = "en") -> str:
        return self.meaning_text.text(lang)

    @property
    def meaning_en(self) -> str:
        return self.short("en")

    @property
    def check_en(self) -> str:
        return self.check_text.text("en")

    @property
    def meaning_zh(self) -> str:
        """In Chinese when the Chinese translation is installed (``install_translator``)."""
        return self.short("zh")

    @property
    def check_zh(self) -> str:
        return self.check_text.text("zh")


FLOOR_MEANINGS: dict[int, Meaning] = {
    0: Meaning(
        "0",
        QT_TRANSLATE_NOOP("faults", "Slot missing"),
        QT_TRANSLATE_NOOP(
            "faults",
            "the slot is not configured or not detected; check the slot setup on the machine",
        ),
    ),
    1: Meaning(
        "1",
        QT_TRANSLATE_NOOP("faults", "Slot normal"),
        QT_TRANSLATE_NOOP("faults", "nothing to do"),
    ),
    2: Meaning(
        "2",
        QT_TRANSLATE_NOOP("faults", "Slot jammed"),
        QT_TRANSLATE_NOOP(
            "faults", "open the cabinet and clear the stuck item from the spiral or belt"
        ),
    ),
    3: Meaning(
        "3",
        QT_TRANSLATE_NOOP("faults", "Slot motor fault"),
        QT_TRANSLATE_NOOP(
            "faults",
            "check the slot motor's plug and wiring; replace the motor if it does not turn",
        ),
    ),
    47: Meaning(
        "47",
        QT_TRANSLATE_NOOP("faults", "Serial-port timeout"),
        QT_TRANSLATE_NOOP(
            "faults",
            "the control board did not answer; check the cable between the Android board and the control board, then restart the machine",
        ),
    ),
}

FAULT_MEANINGS: dict[str, Meaning] = {
    m.key.lower(): m
    for m in (
        Meaning(
            "Slot Invalid",
            QT_TRANSLATE_NOOP("faults", "The slot is not valid"),
            QT_TRANSLATE_NOOP("faults", "check the slot name and the machine's slot configuration"),
        ),
        Meaning(
            "Load No Current",
            QT_TRANSLATE_NOOP("faults", "No current in the motor or lock circuit"),
            QT_TRANSLATE_NOOP(
                "faults", "check the plug and the wires of that slot's motor or lock"
            ),
        ),
        Meaning(
            "Over Current",
            QT_TRANSLATE_NOOP("faults", "The motor is short-circuited"),
            QT_TRANSLATE_NOOP(
                "faults", "unplug the slot's motor and check it and its wiring for a short"
            ),
        ),
        Meaning(
            "Feedback Error",
            QT_TRANSLATE_NOOP("faults", "The motor turns but sends no feedback signal"),
            QT_TRANSLATE_NOOP("faults", "check the motor's feedback switch and its wire"),
        ),
        Meaning(
            "Dlv Detect Error",
            QT_TRANSLATE_NOOP("faults", "The drop sensor reports a problem"),
            QT_TRANSLATE_NOOP(
                "faults",
                "look for an item left on the lift and clean or check the drop sensor (light eye)",
            ),
        ),
        Meaning(
            "Goods are Stuck",
            QT_TRANSLATE_NOOP("faults", "No drop was detected: the item is jammed"),
            QT_TRANSLATE_NOOP("faults", "open the cabinet and free the item in that slot"),
        ),
        Meaning(
            "Slot Type Error",
            QT_TRANSLATE_NOOP("faults", "The slot type does not match the configuration"),
            QT_TRANSLATE_NOOP(
                "faults", "check that the slot is set up as the right type (spiral, belt, lock)"
            ),
        ),
        Meaning(
            "Slave Comm Error",
            QT_TRANSLATE_NOOP("faults", "The slave board cannot be reached"),
            QT_TRANSLATE_NOOP(
                "faults", "check the wiring to the cabinet's slave board and its address setting"
            ),
        ),
        Meaning(
            "Lift Comm Error",
            QT_TRANSLATE_NOOP("faults", "The lift board did not answer in time"),
            QT_TRANSLATE_NOOP("faults", "check the lift board's cable and power"),
        ),
        Meaning(
            "Lift Limit Up",
            QT_TRANSLATE_NOOP("faults", "The lift's upper limit switch is faulty"),
            QT_TRANSLATE_NOOP("faults", "check the upper limit switch of the lift"),
        ),
        Meaning(
            "Lift Limit Dw",
            QT_TRANSLATE_NOOP("faults", "The lift's lower limit switch is faulty"),
            QT_TRANSLATE_NOOP("faults", "check the lower limit switch of the lift"),
        ),
        Meaning(
            "Lift Goods",
            QT_TRANSLATE_NOOP("faults", "An item was left on the lift"),
            QT_TRANSLATE_NOOP("faults", "remove the item from the lift and check the pickup door"),
        ),
        Meaning(
            "VerMo break",
            QT_TRANSLATE_NOOP("faults", "The lift motor has no current"),
            QT_TRANSLATE_NOOP("faults", "check the lift motor's plug and wires"),
        ),
        Meaning(
            "VerMo short",
            QT_TRANSLATE_NOOP("faults", "The lift motor is short-circuited"),
            QT_TRANSLATE_NOOP("faults", "check the lift motor and its wiring for a short"),
        ),
        Meaning(
            "VerMo Encode",
            QT_TRANSLATE_NOOP("faults", "The lift encoder is faulty"),
            QT_TRANSLATE_NOOP("faults", "check the lift encoder and its cable"),
        ),
    )
}

TIMEOUT_MEANING = Meaning(
    "timeout",
    QT_TRANSLATE_NOOP("faults", "The machine did not report a result within 120 s"),
    QT_TRANSLATE_NOOP(
        "faults",
        "check that the machine is online; the item may or may not have dropped — ask the customer",
    ),
)


def floor_meaning(value: int | str | None) -> Meaning:
    """Meaning of a ``floor_status`` value; unknown values are marked unknown."""
    try:
        key = int(str(value).strip())
    except (TypeError, ValueError):
        key = -1
    found = FLOOR_MEANINGS.get(key)
    if found is not None:
        return found
    raw = "" if value is None else str(value)
    return Meaning(
        raw,
        QT_TRANSLATE_NOOP("faults", "Unknown slot status {raw!r}"),
        QT_TRANSLATE_NOOP("faults", "note the value and ask the platform's support"),
        known=False,
        values=(("raw", raw),),
    )


def fault_meaning(text: str | None) -> Meaning:
    """Meaning of a fault text (``error_msg`` / ``fail_reason``), case-insensitive."""
    raw = (text or "").strip()
    found = FAULT_MEANINGS.get(raw.lower())
    if found is not None:
        return found
    if raw.lower() in {"timeout", "timed out", "device timeout"}:
        return TIMEOUT_MEANING
    return Meaning(
        raw,
        QT_TRANSLATE_NOOP("faults", "Unknown fault {raw!r}"),
        QT_TRANSLATE_NOOP("faults", "note the text and ask the platform's support"),
        known=False,
        values=(("raw", raw),),
    )
