"""Dispensing rules that need the platform and the journal together (no Qt).

Every face calls these: the window (on its worker threads), ``vendctl`` and any
future service. Texts come back as plain data; each face words them.
"""

from console.dispensing.overdue import OverdueCheck, check_overdue

__all__ = ["OverdueCheck", "check_overdue"]
