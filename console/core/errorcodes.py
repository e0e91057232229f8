"""Platform error numbers with plain explanations (English and Chinese).

The raw code and message are always shown; these only add a friendly line.
"""

from __future__ import annotations

ERROR_CODES: dict[int, tuple[str, str]] = {
    # 4-digit table from the platform's docs.
    1000: ("not authorized", "未授权"),
    4000: ("Appid is empty", "Appid 为空"),
    4001: ("Appid is invalid", "Appid 无效"),
    4002: ("application not supported", "应用不支持"),
    4003: ("invalid parameters", "参数无效"),
    4004: ("record not found", "记录不存在"),
    4006: (
        "payload signature invalid: check the sign key (merchant id)",
        "签名无效:请检查签名密钥(商户号)",
    ),
    4008: ("machine offline", "设备离线"),
    4009: ("AppSecret is invalid", "AppSecret 无效"),
    6015: ("the action timed out on the platform", "操作执行超时"),
    6016: ("route not found", "路由不存在"),
    6017: ("merchant account expired", "商户已过期"),
    6018: ("merchant not verified", "商户未认证"),
    6025: ("machine offline", "设备离线"),
    6026: ("machine not found", "设备不存在"),
    6034: ("this order (record) was already dispensed", "订单已出货"),
    6042: (
        "order expired: orders older than 20 minutes are not dispensed",
        "订单已过期:超过20分钟的订单不受理出货",
    ),
    6043: ("order status does not allow this", "订单状态无效"),
    6045: ("product not found", "商品不存在"),
    6046: ("product is off sale", "商品已下架"),
    6047: ("not enough stock", "库存不足"),
    6049: ("order is already paid", "订单已支付"),
    6053: ("order payment failed", "订单支付失败"),
    6054: ("order is not paid", "订单未支付"),
    # 5-digit codes seen in the platform's examples.
    10008: ("Appid or AppSecret is empty", "Appid 或 AppSecret 为空"),
    10014: ("Appid is invalid", "Appid 无效"),
    10025: ("pickup code already used", "取货码已使用"),
    30001: ("no machine is linked", "未绑定设备"),
    30002: ("machine offline", "设备离线"),
    30003: ("machine not found", "设备不存在"),
    40005: (
        "order expired: orders older than 20 minutes are not dispensed",
        "订单已过期:超过20分钟的订单不受理出货",
    ),
    40006: ("order status does not allow this", "订单状态无效"),
    60002: ("product is off the shelf", "商品已下架"),
    60003: ("not enough stock", "库存不足"),
}

# The sandbox answers a dispense to a machine that is still dispensing with
# this code; the real platform's number for that case is not documented.
MACHINE_BUSY = 6050
ERROR_CODES[MACHINE_BUSY] = (
    "machine is busy dispensing: wait for the current dispense to finish",
    "设备正在出货:请等待当前出货完成",
)

# code 0 with a message other than "ok" (seen: "订单未支付").
CODE0_NOT_OK = (
    'the platform answered code 0 but not "ok": treated as a failure',
    "平台返回 code 0 但消息不是 ok:按失败处理",
)


def explain(code: int, message: str = "", lang: str = "en") -> str:
    """A plain explanation of a platform answer, or an 'unknown code' note."""
    idx = 1 if lang.startswith("zh") else 0
    if code == 0:
        return CODE0_NOT_OK[idx]
    known = ERROR_CODES.get(code)
    if known is not None:
        return known[idx]
    return "未知错误代码" if idx else "unknown error code"
