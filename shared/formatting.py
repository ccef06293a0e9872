"""How values read to people, in emails and notifications: money, dates, header-safe text.

One place, so an email and an in-app notification never show the same price two ways.
"""

from __future__ import annotations

import re
from datetime import datetime

from shared.trades import CATALOGUE

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


def dollars(cents: int) -> str:
    return f"${int(cents) / 100:,.2f}"


def when(start: str, end: str) -> str:
    """``Fri 5 Dec 2025, 18:00-21:00 (UTC-08:00)`` in the poster's own offset (the event's local time)."""
    begin, finish = datetime.fromisoformat(start), datetime.fromisoformat(end)
    offset = begin.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    day = f"{begin:%a} {begin.day} {begin:%b %Y}"
    if finish.date() == begin.date():
        return f"{day}, {begin:%H:%M}-{finish:%H:%M} ({zone})"
    return f"{day}, {begin:%H:%M} to {finish:%a} {finish.day} {finish:%b} {finish:%H:%M} ({zone})"


def trade_label(trade: str) -> str:
    return CATALOGUE.get(trade, trade)


def header_safe(text: str, limit: int = 200) -> str:
    """One line for an email header: CR/LF (and Unicode line breaks) become spaces, so user text in a
    subject can never start a new header."""
    return " ".join(_LINE_BREAKS.sub(" ", text).split())[:limit]
