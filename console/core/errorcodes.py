"""Platform error numbers with plain explanations (message ids: the Chinese is in the .ts).

The raw code and message are always shown; these only add a friendly line.
"""

from __future__ import annotations

from console.core.texts import QT_TRANSLATE_NOOP, Text

CONTEXT = "errorcodes"

ERROR_CODES: dict[int, str] = {
    # 4-digit table from the platform's docs.
    1000: QT_TRANSLATE_NOOP("errorcodes", "not authorized"),
    4000: QT_TRANSLATE_NOOP("errorcodes", "Appid is empty"),
    4001: QT_TRANSLATE_NOOP("errorcodes", "Appid is invalid"),
    4002: QT_TRANSLATE_NOOP("errorcodes", "application not supported"),
    4003: QT_TRANSLATE_NOOP("errorcodes", "invalid parameters"),
    4004: QT_TRANSLATE_NOOP("errorcodes", "record not found"),
    4006: QT_TRANSLATE_NOOP(
        "errorcodes", "payload signature invalid: check the sign key (merchant id)"
    ),
    4008: QT_TRANSLATE_NOOP("errorcodes", "machine offline"),
    4009: QT_TRANSLATE_NOOP("errorcodes", "AppSecret is invalid"),
    6015: QT_TRANSLATE_NOOP("errorcodes", "the action timed out on the platform"),
    6016: QT_TRANSLATE_NOOP("errorcodes", "route not found"),
    6017: QT_TRANSLATE_NOOP("errorcodes", "merchant account expired"),
    6018: QT_TRANSLATE_NOOP("errorcodes", "merchant not verified"),
    6025: QT_TRANSLATE_NOOP("errorcodes", "machine offline"),
    6026: QT_TRANSLATE_NOOP("errorcodes", "machine not found"),
    6034: QT_TRANSLATE_NOOP("errorcodes", "this order (record) was already dispensed"),
    6042: QT_TRANSLATE_NOOP(
        "errorcodes", "order expired: orders older than 20 minutes are not dispensed"
    ),
    6043: QT_TRANSLATE_NOOP("errorcodes", "order status does not allow this"),
    6045: QT_TRANSLATE_NOOP("errorcodes", "product not found"),
    6046: QT_TRANSLATE_NOOP("errorcodes", "product is off sale"),
    6047: QT_TRANSLATE_NOOP("errorcodes", "not enough stock"),
    6049: QT_TRANSLATE_NOOP("errorcodes", "order is already paid"),
    6053: QT_TRANSLATE_NOOP("errorcodes", "order payment failed"),
    6054: QT_TRANSLATE_NOOP("errorcodes", "order is not paid"),
    # 5-digit codes seen in the platform's examples.
    10008: QT_TRANSLATE_NOOP("errorcodes", "Appid or AppSecret is empty"),
    10014: QT_TRANSLATE_NOOP("errorcodes", "Appid is invalid"),
    10025: QT_TRANSLATE_NOOP("errorcodes", "pickup code already used"),
    30001: QT_TRANSLATE_NOOP("errorcodes", "no machine is linked"),
    30002: QT_TRANSLATE_NOOP("errorcodes", "machine offline"),
    30003: QT_TRANSLATE_NOOP("errorcodes", "machine not found"),
    40005: QT_TRANSLATE_NOOP(
        "errorcodes", "order expired: orders older than 20 minutes are not dispensed"
    ),
    40006: QT_TRANSLATE_NOOP("errorcodes", "order status does not allow this"),
    60002: QT_TRANSLATE_NOOP("errorcodes", "product is off the shelf"),
    60003: QT_TRANSLATE_NOOP("errorcodes", "not enough stock"),
}

# The sandbox answers a dispense to a machine that is still dispensing with
# this code; the real platform's number for that case is not documented.
MACHINE_BUSY = 6050
ERROR_CODES[MACHINE_BUSY] = QT_TRANSLATE_NOOP(
    "errorcodes", "machine is busy dispensing: wait for the current dispense to finish"
)

# code 0 with a message other than "ok" (seen: "订单未支付").
CODE0_NOT_OK = QT_TRANSLATE_NOOP(
    "errorcodes", 'the platform answered code 0 but not "ok": treated as a failure'
)


def explain(code: int, message: str = "", lang: str = "en") -> str:
    """A plain explanation of a platform answer, or an 'unknown code' note."""
    return explain_text(code, message).text(lang)


def explain_text(code: int, message: str = "") -> Text:
    """``explain`` as a message id, for each face to word in its language."""
    if code == 0:
        return Text(CONTEXT, CODE0_NOT_OK)
    known = ERROR_CODES.get(code)
    if known is not None:
        return Text(CONTEXT, known)
    return Text(CONTEXT, QT_TRANSLATE_NOOP("errorcodes", "unknown error code"))
