"""Helpers for email tests: subscribers, the emails moto's SES received (rendered per recipient, by the same
recorder the local stack serves as /_local/emails), and a count of real SES API calls."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from infra.local import emails as recorder
from shared import clients, mail, subscriptions, users


@pytest.fixture
def inbox(aws: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every email sent from now on, as each recipient got it; SES paced at 1,000/s so tests stay fast."""
    monkeypatch.setenv("LEEDZ_SES_MAX_SEND_RATE", "1000")
    recorder.install()
    recorder.clear()
    mail.forget_quota()
    yield recorder.items
    recorder.clear()


@pytest.fixture
def ses_calls(aws: None) -> Counter:
    """SES API operations actually sent, by name (botocore's own event hook on the real client)."""
    counts: Counter = Counter()
    clients.ses().meta.events.register("before-call.ses.*", lambda model, **_: counts.update([model.name]))
    return counts


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
