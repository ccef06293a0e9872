"""Seed many subscribers of one trade straight into a running stack's DynamoDB, fast.

Through the API, 20,000 subscribers would take 40,000 requests (a profile on first sight, then the
subscription). Instead we write, with ``BatchWriteItem`` (25 items a call), exactly the items those requests
leave behind, built with ``shared.db``'s key builders: the profile as ``users.ensure_profile`` (then
``PUT /users/me`` renaming it) writes it, the subscription as ``subscriptions.subscribe`` writes it (the
subscriber's email and name copied in, ``gsi1`` keys set), and the trade's ``subscribers`` counter moved by
the same total (one ``UpdateItem``, as each subscribe's transaction ``ADD``s 1).
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts run from anywhere

from infra.local.launch import Running
from shared import db
from shared.subscriptions import subscription_item

BATCH = 25  # BatchWriteItem's limit
THREADS = 4


def subscriber(trade: str, i: int) -> dict[str, str]:
    username = f"bench-{trade}-{i:05d}"
    return {"username": username, "email": f"{username}@example.com", "name": f"Bench Subscriber {i}"}


def _items(trade: str, people: list[dict[str, str]]) -> list[dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    items = []
    for p in people:
        items.append({**db.profile_key(p["username"]), "username": p["username"], "email": p["email"],
                      "name": p["name"], "created_at": now})
        items.append(subscription_item(p["username"], trade, p["email"], p["name"], now))
    return items


def _write(dynamodb: Any, table: str, chunk: list[dict[str, Any]]) -> None:
    request = {table: [{"PutRequest": {"Item": db.to_ddb(item)}} for item in chunk]}
    while request:
        request = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


def seed_subscribers(stack: Running, trade: str, count: int) -> tuple[list[dict[str, str]], float]:
    """Write ``count`` subscribers of ``trade``; returns them and the seconds it took."""
    started = time.perf_counter()
    dynamodb = stack.client("dynamodb")
    table = dynamodb.list_tables()["TableNames"][0]  # the template has one table
    people = [subscriber(trade, i) for i in range(count)]
    items = _items(trade, people)
    chunks = [items[i:i + BATCH] for i in range(0, len(items), BATCH)]
    with ThreadPoolExecutor(THREADS) as pool:  # boto3 clients are thread-safe
        list(pool.map(lambda chunk: _write(dynamodb, table, chunk), chunks))
    dynamodb.update_item(TableName=table, Key=db.to_ddb(db.trade_stats_key(trade)),
                         UpdateExpression="SET trade = :trade ADD subscribers :delta",
                         ExpressionAttributeValues=db.values(trade=trade, delta=count))
    return people, time.perf_counter() - started


def quiet_trades(stack: Running) -> list[str]:
    """Catalogue trades nobody subscribes to yet (the demo data subscribes to a few)."""
    return [trade["name"] for trade in stack.get_json("/trades")["items"] if trade["subscribers"] == 0]


def leed_body(trade: str, n: int, title: str = "Bench leed") -> dict[str, Any]:
    """A valid ``POST /leeds`` body; ``n`` varies the address so each leed has its own booking slot."""
    start = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    return {"trade": trade, "title": f"{title} {n}", "start": start.isoformat(),
            "end": (start + timedelta(hours=3)).isoformat(),
            "location": {"address": f"{n} Bench Street", "zip": "90210"}, "price_cents": 2500,
            "details": "Call the venue on arrival."}


def shape_check(stack: Running, trade: str) -> str:
    """Subscribe one user through the API (``PUT /users/me/subscriptions/{trade}``), compare its profile and
    subscription items with seeded ones (attribute names and key layout), then unsubscribe it again."""
    dynamodb = stack.client("dynamodb")
    table = dynamodb.list_tables()["TableNames"][0]
    api_user, seeded = "bench-shape-check", subscriber(trade, 0)
    headers = {"Authorization": f"Bearer {stack.token(api_user, f'{api_user}@example.com')}"}
    url = f"{stack.api}/users/me/subscriptions/{trade}"
    stack.http.put(url, headers=headers, timeout=30).raise_for_status()
    mismatches = []
    for name, key in (("profile", db.profile_key), ("subscription", lambda u: db.subscription_key(u, trade))):
        ours = _items(trade, [seeded])[0 if name == "profile" else 1]
        theirs = db.from_ddb(dynamodb.get_item(TableName=table, Key=db.to_ddb(key(api_user)))["Item"]) or {}
        if set(ours) != set(theirs):
            mismatches.append(f"{name}: seeded {sorted(ours)} vs API {sorted(theirs)}")
    stack.http.delete(url, headers=headers, timeout=30).raise_for_status()
    return "; ".join(mismatches) or "same attributes as the API writes (profile and subscription)"
