"""Helpers for email tests: many subscribers at once, and who an email went to."""

from __future__ import annotations

from typing import Any

from shared import subscriptions, users


def subscribe_many(trade: str, count: int, prefix: str = "sub") -> list[str]:
    """``count`` users with profiles (name "Sub 7") subscribed to ``trade``; their addresses."""
    addresses = []
    for i in range(count):
        username = f"{prefix}{i:05d}"
        users.ensure_profile(username, f"{username}@example.com")
        users.rename(username, f"Sub {i}")
        subscriptions.subscribe(username, trade)
        addresses.append(f"{username}@example.com")
    return addresses


def recipients(items: list[dict[str, Any]], leed_title: str | None = None) -> list[str]:
    return sorted(e["to"][0] for e in items if leed_title is None or leed_title in e["subject"])
