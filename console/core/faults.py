"""Slot (floor) states and dispense fault texts, in plain words for staff.

Every value and text in platform-api.md section 5 has a meaning and a check to
make, in English and Chinese. Unknown texts are shown raw and marked unknown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class FloorStatus(enum.IntEnum):
    MISSING = 0
    NORMAL = 1
    JAMMED = 2
    MOTOR_FAULT = 3
    SERIAL_TIMEOUT = 47


@dataclass(frozen=True)
class Meaning:
    """A plain explanation of a machine state or fault, with what to check."""

    key: str
    meaning_en: str
    check_en: str
    meaning_zh: str
    check_zh: str
    known: bool = True

    def text(self, lang: str = "en") -> str:
        if lang.startswith("zh"):
            return f"{self.meaning_zh}。检查:{self.check_zh}"
        return f"{self.meaning_en}. Check: {self.check_en}"

    def short(self, lang: str = "en") -> str:
        return self.meaning_zh if lang.startswith("zh") else self.meaning_en


FLOOR_MEANINGS: dict[int, Meaning] = {
    0: Meaning(
        "0",
        "Slot missing",
        "the slot is not configured or not detected; check the slot setup on the machine",
        "货道不存在",
        "货道未配置或未检测到,检查机器上的货道设置",
    ),
    1: Meaning("1", "Slot normal", "nothing to do", "货道正常", "无需处理"),
    2: Meaning(
        "2",
        "Slot jammed",
        "open the cabinet and clear the stuck item from the spiral or belt",
        "货道卡货",
        "打开柜门,清除卡在弹簧或履带上的商品",
    ),
    3: Meaning(
        "3",
        "Slot motor fault",
        "check the slot motor's plug and wiring; replace the motor if it does not turn",
        "货道电机故障",
        "检查货道电机插头和接线,电机不转则更换",
    ),
    47: Meaning(
        "47",
        "Serial-port timeout",
        "the control board did not answer; check the cable between the Android board "
        "and the control board, then restart the machine",
        "串口超时",
        "控制板无应答,检查安卓主板与控制板之间的连线,然后重启机器",
    ),
}

FAULT_MEANINGS: dict[str, Meaning] = {
    m.key.lower(): m
    for m in (
        Meaning(
            "Slot Invalid",
            "The slot is not valid",
            "check the slot name and the machine's slot configuration",
            "货道无效",
            "检查货道名称和机器的货道配置",
        ),
        Meaning(
            "Load No Current",
            "No current in the motor or lock circuit",
            "check the plug and the wires of that slot's motor or lock",
            "负载无电流",
            "检查该货道电机或电磁锁的插头和接线",
        ),
        Meaning(
            "Over Current",
            "The motor is short-circuited",
            "unplug the slot's motor and check it and its wiring for a short",
            "过流",
            "拔下该货道电机,检查电机及接线是否短路",
        ),
        Meaning(
            "Feedback Error",
            "The motor turns but sends no feedback signal",
            "check the motor's feedback switch and its wire",
            "反馈错误",
            "检查电机反馈开关及其连线",
        ),
        Meaning(
            "Dlv Detect Error",
            "The drop sensor reports a problem",
            "look for an item left on the lift and clean or check the drop sensor (light eye)",
            "出货检测错误",
            "检查升降台上是否有遗留商品,清洁或检查掉货检测光眼",
        ),
        Meaning(
            "Goods are Stuck",
            "No drop was detected: the item is jammed",
            "open the cabinet and free the item in that slot",
            "商品卡住",
            "打开柜门,取出卡住的商品",
        ),
        Meaning(
            "Slot Type Error",
            "The slot type does not match the configuration",
            "check that the slot is set up as the right type (spiral, belt, lock)",
            "货道类型错误",
            "检查货道类型设置(弹簧、履带、电磁锁)是否正确",
        ),
        Meaning(
            "Slave Comm Error",
            "The slave board cannot be reached",
            "check the wiring to the cabinet's slave board and its address setting",
            "从板通信错误",
            "检查柜体从板的连线和地址设置",
        ),
        Meaning(
            "Lift Comm Error",
            "The lift board did not answer in time",
            "check the lift board's cable and power",
            "升降机通信错误",
            "检查升降控制板的连线和电源",
        ),
        Meaning(
            "Lift Limit Up",
            "The lift's upper limit switch is faulty",
            "check the upper limit switch of the lift",
            "升降机上限位故障",
            "检查升降机上限位开关",
        ),
        Meaning(
            "Lift Limit Dw",
            "The lift's lower limit switch is faulty",
            "check the lower limit switch of the lift",
            "升降机下限位故障",
            "检查升降机下限位开关",
        ),
        Meaning(
            "Lift Goods",
            "An item was left on the lift",
            "remove the item from the lift and check the pickup door",
            "升降台有货",
            "取出升降台上的商品并检查取货门",
        ),
        Meaning(
            "VerMo break",
            "The lift motor has no current",
            "check the lift motor's plug and wires",
            "升降电机断路",
            "检查升降电机的插头和接线",
        ),
        Meaning(
            "VerMo short",
            "The lift motor is short-circuited",
            "check the lift motor and its wiring for a short",
            "升降电机短路",
            "检查升降电机及接线是否短路",
        ),
        Meaning(
            "VerMo Encode",
            "The lift encoder is faulty",
            "check the lift encoder and its cable",
            "升降编码器故障",
            "检查升降编码器及其连线",
        ),
    )
}

TIMEOUT_MEANING = Meaning(
    "timeout",
    "The machine did not report a result within 120 s",
    "check that the machine is online; the item may or may not have dropped — ask the customer",
    "机器120秒内未上报结果",
    "检查机器是否在线;商品可能已出或未出,请向顾客确认",
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
        f"Unknown slot status {raw!r}",
        "note the value and ask the platform's support",
        f"未知货道状态 {raw!r}",
        "记录该值并咨询平台客服",
        known=False,
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
        f"Unknown fault {raw!r}",
        "note the text and ask the platform's support",
        f"未知故障 {raw!r}",
        "记录该文字并咨询平台客服",
        known=False,
    )
