"""Concurrent fan-outs on the local stack stay under the emulated SES account's send rate together.

The stack enforces ``LEEDZ_SES_MAX_SEND_RATE`` as SES does (``infra/local/aws/ses_quota.py``: a send over it is
refused with ``Throttling`` and logged). Three fan-outs at once, 150 subscribers each, at 100 emails/s: before
the account-wide pacing (``shared/send_pacing.py``) each paced itself at the whole rate, three times too fast.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from infra.local.launch import Running
from shared import db
from shared.subscriptions import subscription_item
from tests.e2e.conftest import _start

RATE, SUBSCRIBERS, TRADES = 100, 150, 3


@pytest.fixture(scope="module")
def quota_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    yield from _start(tmp_path_factory, LEEDZ_SES_MAX_SEND_RATE=str(RATE), LEEDZ_PREWARM="0")


def _subscribe(stack: Running, trade: str) -> set[str]:
    dynamodb = stack.client("dynamodb")
    table = dynamodb.list_tables()["TableNames"][0]
    now, emails, items = datetime.now(UTC).isoformat(), set(), []
    for i in range(SUBSCRIBERS):
        user = f"rate-{trade}-{i:03d}"
        emails.add(f"{user}@example.com")
        items += [{**db.profile_key(user), "username": user, "email": f"{user}@example.com", "name": f"R {i}",
                   "created_at": now}, subscription_item(user, trade, f"{user}@example.com", f"R {i}", now)]
    for start in range(0, len(items), 25):
        dynamodb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": db.to_ddb(item)}}
                                                        for item in items[start:start + 25]]})
    return emails


def _post(stack: Running, token: str, trade: str) -> str:
    start = (datetime.now(UTC) + timedelta(days=40)).replace(microsecond=0)
    body = {"trade": trade, "title": "Rate", "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
            "location": {"address": f"{uuid.uuid4().hex[:8]} Rate Street", "zip": "90210"}, "price_cents": 100,
            "details": ""}
    resp = stack.http.post(f"{stack.api}/leeds", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def test_concurrent_fan_outs_stay_under_the_account_rate(quota_stack: Running) -> None:
    trades = [t["name"] for t in quota_stack.get_json("/trades")["items"] if t["subscribers"] == 0][:TRADES]
    expected = {trade: _subscribe(quota_stack, trade) for trade in trades}
    token = quota_stack.token("rate-seller", "rate-seller@example.com")
    started = time.monotonic()
    with ThreadPoolExecutor(TRADES) as pool:
        leeds = dict(zip(trades, pool.map(lambda trade: _post(quota_stack, token, trade), trades), strict=True))
    assert quota_stack.wait_idle(120, poll=0.2)
    took = time.monotonic() - started

    log = quota_stack.log.read_text() if quota_stack.log else ""
    assert '"throttled"' not in log, [line for line in log.splitlines() if '"throttled"' in line][:5]
    emails = quota_stack.get_json("/_local/emails")["items"]
    for trade, leed_id in leeds.items():
        got = Counter(a for e in emails if f"/leeds/{leed_id}" in (e["text"] or "") for a in e["to"])
        assert set(got) == expected[trade] and set(got.values()) == {1}, trade  # 0 missing, 0 twice
    assert quota_stack.get_json("/_local/failed")["items"] == []
    assert took >= (TRADES * SUBSCRIBERS - 50) / RATE  # the emails went out at the account's rate, not faster
