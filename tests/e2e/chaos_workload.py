"""A marketplace workload over HTTP, and a check that every effect happened exactly once.

Used by ``tests/e2e/test_chaos.py`` (a stack with LEEDZ_FAULT_RATE and LEEDZ_DUPLICATE_RATE) and by
``bench/chaos.py`` (bigger, printing the figures). Phases: sellers post; wait, redrive what reached the failure
destination until nothing does; then buyers buy and sellers withdraw; wait and redrive again. Emails to
subscribers are only owed while a leed is for sale, so buying waits until every post was announced.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

TRADES = ("live-music", "face-painting")
STATS = ("posted", "sold", "bought", "earned_cents", "spent_cents")


@dataclass
class Outcome:
    posted: dict[str, dict[str, Any]] = field(default_factory=dict)  # leed id -> leed view
    sold: dict[str, str] = field(default_factory=dict)  # leed id -> buyer
    withdrawn: set[str] = field(default_factory=set)
    redriven: int = 0
    failed_seen: int = 0
    trades_before: dict[str, dict[str, int]] = field(default_factory=dict)


def _token(api: str, user: str) -> dict[str, str]:
    resp = requests.post(f"{api}/_local/token", json={"username": user, "email": f"{user}@example.com"}, timeout=10)
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def _body(trade: str, n: int, run: str) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=30 + n)).replace(hour=18, minute=0, second=0, microsecond=0)
    return {"trade": trade, "title": f"Chaos gig {run}-{n}", "start": start.isoformat(),
            "end": (start + timedelta(hours=3)).isoformat(),
            "location": {"address": f"{n} Chaos Road {run}", "zip": "90210"},
            "price_cents": 1000 + n, "details": f"Private details {run}-{n}"}


def settle(api: str, outcome: Outcome, timeout: float = 120) -> None:
    """Wait for the async queue to drain, then redrive failures until none are left."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        while requests.get(f"{api}/_local/health", timeout=10).json()["pending"] and time.time() < deadline:
            time.sleep(0.1)
        failed = requests.get(f"{api}/_local/failed", timeout=10).json()["items"]
        if not failed:
            return
        outcome.failed_seen += len(failed)
        outcome.redriven += requests.post(f"{api}/_local/redrive", timeout=30).json()["redriven"]
    raise TimeoutError("the stack did not settle")


def run(api: str, *, sellers: int = 3, subscribers: int = 4, posts: int = 12, buys: int = 4,
        withdrawals: int = 2) -> Outcome:
    run_id = uuid.uuid4().hex[:6]
    seller_names = [f"seller{run_id}{i}" for i in range(sellers)]
    buyer_names = [f"buyer{run_id}{i}" for i in range(buys)]
    for i in range(subscribers):
        headers = _token(api, f"sub{run_id}{i}")
        for trade in TRADES:
            assert requests.put(f"{api}/users/me/subscriptions/{trade}", headers=headers, timeout=30).status_code == 204
    outcome = Outcome(trades_before=_trades(api))
    for n in range(posts):
        seller = seller_names[n % sellers]
        resp = requests.post(f"{api}/leeds", json=_body(TRADES[n % 2], n, run_id), headers=_token(api, seller),
                             timeout=30)
        assert resp.status_code == 201, resp.text
        outcome.posted[resp.json()["id"]] = resp.json()
    settle(api, outcome)
    ids = list(outcome.posted)
    for leed_id, buyer in zip(ids[:buys], buyer_names, strict=True):
        resp = requests.post(f"{api}/leeds/{leed_id}/buy", headers=_token(api, buyer), timeout=30)
        assert resp.status_code == 200, resp.text
        outcome.sold[leed_id] = buyer
    for leed_id in ids[buys:buys + withdrawals]:
        resp = requests.delete(f"{api}/leeds/{leed_id}", headers=_token(api, outcome.posted[leed_id]["seller"]),
                               timeout=30)
        assert resp.status_code == 204, resp.text
        outcome.withdrawn.add(leed_id)
    settle(api, outcome)
    return outcome


def _subscribers(dynamodb: Any, table: str, trade: str) -> set[str]:
    pages = dynamodb.get_paginator("query").paginate(
        TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"SUBS#{trade}"}})
    return {item["email"]["S"] for page in pages for item in page["Items"]}


def check(api: str, dynamodb: Any, table: str, outcome: Outcome) -> dict[str, int]:
    """Every effect of the workload, counted against what it should be: a dict of figures."""
    emails = requests.get(f"{api}/_local/emails", timeout=30).json()["items"]
    got: Counter = Counter()
    for email in emails:
        for leed_id in outcome.posted:
            if leed_id in (email["text"] or ""):  # every email names its leed's id (a link or the receipt)
                kind = "receipt" if "receipt" in email["subject"] else "notice" if \
                    email["subject"].startswith("Sold:") else "new"
                got[(leed_id, kind, email["to"][0])] += 1
    owed: Counter = Counter()
    for leed_id, leed in outcome.posted.items():
        for address in _subscribers(dynamodb, table, leed["trade"]) - {f"{leed['seller']}@example.com"}:
            owed[(leed_id, "new", address)] = 1
        if leed_id in outcome.sold:
            owed[(leed_id, "receipt", f"{outcome.sold[leed_id]}@example.com")] = 1
            owed[(leed_id, "notice", f"{leed['seller']}@example.com")] = 1
    figures = {
        "emails_owed": sum(owed.values()),
        "emails_missing": sum(1 for k in owed if got[k] == 0),
        "emails_duplicated": sum(n - 1 for k, n in got.items() if n > 1),
        "emails_unowed": sum(n for k, n in got.items() if k not in owed),
    }
    figures.update(_counters(api, outcome))
    figures.update(_ledger_and_notes(api, dynamodb, table, outcome))
    figures.update(failed_seen=outcome.failed_seen, redriven=outcome.redriven)
    return figures


def _trades(api: str) -> dict[str, dict[str, int]]:
    return {t["name"]: t for t in requests.get(f"{api}/trades", timeout=30).json()["items"]}


def _counters(api: str, outcome: Outcome) -> dict[str, int]:
    """Users' stats must equal what the workload did (each seller and buyer is new to this run)."""
    wrong = 0
    expect: dict[str, Counter] = {}
    for leed_id, leed in outcome.posted.items():
        seller = expect.setdefault(leed["seller"], Counter())
        if leed_id not in outcome.withdrawn:
            seller["posted"] += 1
        if leed_id in outcome.sold:
            seller["sold"] += 1
            seller["earned_cents"] += leed["price_cents"]
            buyer = expect.setdefault(outcome.sold[leed_id], Counter())
            buyer["bought"] += 1
            buyer["spent_cents"] += leed["price_cents"]
    for user, counts in expect.items():
        stats = requests.get(f"{api}/users/me", headers=_token(api, user), timeout=30).json()["stats"]
        bad = [f"{user}.{k}={stats[k]} (want {counts[k]})" for k in STATS if stats[k] != counts[k]]
        wrong += len(bad)
        for line in bad:
            print(line)
    after = _trades(api)
    for trade in TRADES:
        leeds = [i for i, leed in outcome.posted.items() if leed["trade"] == trade]
        moved = {k: after[trade][k] - outcome.trades_before[trade][k] for k in ("leeds_posted", "leeds_sold")}
        want = {"leeds_posted": len([i for i in leeds if i not in outcome.withdrawn]),
                           "leeds_sold": len([i for i in leeds if i in outcome.sold])}
        if moved != want:
            wrong += 1
            print(f"trade {trade}: counters moved {moved}, want {want}")
    return {"counters_checked": len(expect) * 5 + len(TRADES), "counters_wrong": wrong}


def _ledger_and_notes(api: str, dynamodb: Any, table: str, outcome: Outcome) -> dict[str, int]:
    ledger_wrong = sum(
        1 for leed_id in outcome.sold
        if "Item" not in dynamodb.get_item(TableName=table, Key={"pk": {"S": f"SALE#{leed_id}"}, "sk": {"S": "SALE"}},
                                           ConsistentRead=True))
    notes: Counter = Counter()
    users = {outcome.sold[i] for i in outcome.sold} | {outcome.posted[i]["seller"] for i in outcome.sold}
    for user in users:
        inbox = requests.get(f"{api}/users/me/notifications", headers=_token(api, user), timeout=30).json()
        for note in inbox["items"]:
            notes[(user, note["leed_id"], note["type"])] += 1
    owed = {(outcome.sold[i], i, "leed_bought") for i in outcome.sold} | \
           {(outcome.posted[i]["seller"], i, "leed_sold") for i in outcome.sold}
    return {
        "ledger_entries_missing": ledger_wrong,
        "notifications_missing": sum(1 for k in owed if notes[k] == 0),
        "notifications_duplicated": sum(n - 1 for n in notes.values() if n > 1),
    }
