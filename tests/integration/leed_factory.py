"""Helpers for the leed tests: a valid body, posting it, and reading items back from moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from handlers import add_leed
from shared import clients, db
from tests.apigw import Reply, call

SELLER = "sally"


def future(days: int = 10, hour: int = 18, offset_hours: int = -5) -> datetime:
    """A whole hour ``days`` from now, in a fixed UTC offset (New York winter by default). The day counts from
    today's UTC date whatever the offset, so leeds built with different offsets keep their intended order at
    any time of day (counted from the offset's own date, they swapped between 00:00 and 08:00 UTC)."""
    tz = timezone(timedelta(hours=offset_hours))
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz)


def body(**overrides: Any) -> dict[str, Any]:
    start = overrides.pop("start_at", None) or future()
    base: dict[str, Any] = {
        "trade": "dj",
        "title": "Wedding DJ, 120 guests",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=4)).isoformat(),
        "location": {"address": "12 Main St.", "zip": "10001"},
        "price_cents": 2500,
        "details": "Call Pat on 555-0100; gate code 1234.",
    }
    base.update(overrides)
    return base


def post(context: Any, user: str = SELLER, **overrides: Any) -> Reply:
    return call(add_leed, "POST", "/leeds", context, body=body(**overrides), user=user)


def leed_item(leed_id: str) -> dict[str, Any] | None:
    return db.get(db.leed_key(leed_id), consistent=True)


def all_items() -> list[dict[str, Any]]:
    """Every item in the table, sorted: to prove a rejected request changed nothing."""
    pages = clients.dynamodb().get_paginator("scan").paginate(TableName=db.table(), ConsistentRead=True)
    items = [db.from_ddb(i) for page in pages for i in page["Items"]]
    return sorted(items, key=lambda i: (i["pk"], i["sk"]))


def table_without_profiles() -> list[dict[str, Any]]:
    """Profiles are created on any authenticated request (even a rejected one); everything else must not move."""
    return [i for i in all_items() if i["sk"] != "PROFILE"]
