"""The demo data a fresh local stack starts with (``README.md`` lists it): users, subscriptions, trade counters.

Shapes come from ``shared/`` (keys from ``shared/db.py``), so the demo data is what the system itself writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# alice sells; bob and carol subscribe (so a post by alice reaches them by email).
DEMO_USERS = {
    "alice": ("Alice Seller", ["caricatures"]),
    "bob": ("Bob Buyer", ["dj", "photography"]),
    "carol": ("Carol Crowd", ["dj", "caricatures"]),
}
DEMO_DOMAIN = "example.com"


def addresses() -> list[str]:
    return [f"{user}@{DEMO_DOMAIN}" for user in DEMO_USERS]


def demo_data(dynamodb: Any, table: str) -> None:
    """Trade counters, a few users with profiles and subscriptions (shapes from ``shared/db.py``)."""
    from shared import db
    from shared.trades import CATALOGUE

    now = datetime.now(UTC).isoformat()
    subscribers = {trade: 0 for trade in CATALOGUE}
    items: list[dict[str, Any]] = []
    for username, (name, trades) in DEMO_USERS.items():
        email = f"{username}@{DEMO_DOMAIN}"
        items.append({**db.profile_key(username), "username": username, "email": email, "name": name,
                      "created_at": now})
        for trade in trades:
            subscribers[trade] += 1
            items.append({**db.subscription_key(username, trade), "gsi1pk": f"SUBS#{trade}", "gsi1sk": username,
                          "username": username, "email": email, "name": name, "trade": trade, "created_at": now})
    for trade, count in subscribers.items():
        items.append({**db.trade_stats_key(trade), "trade": trade, "leeds_posted": 0, "leeds_sold": 0,
                      "subscribers": count})
    for item in items:
        dynamodb.put_item(TableName=table, Item=db.to_ddb(item))
