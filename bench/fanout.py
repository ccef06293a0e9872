"""A 20,000-subscriber fan-out of ``notifyUsers`` on the local stack: wall time, SES calls per 1,000 recipients,
the longest EmailController invocation against its timeout, and missing and duplicated emails.

Run: ``.venv/bin/python bench/fanout.py [--subscribers N] [--url http://127.0.0.1:3000]``. Without ``--url`` it
starts its own stack on free ports (``infra.local.launch``) with ``LEEDZ_SES_MAX_SEND_RATE`` set (default
2000 emails/s; the emulated account's quota, which the email controller paces itself by). A stack given by
``--url`` keeps its own rate; the script prints the one SES reports either way.

How it is measured:
- subscribers are written straight to the stack's DynamoDB (``bench/seeding.py``: the items the API would
  write, compared with those of one subscription made through the API on another trade); the seller is one
  of them, so the expected recipients are every subscriber but the seller;
- wall time: from just before ``POST /leeds`` until ``GET /_local/health`` reports ``pending`` 0 (every async
  invocation, continuations and bookkeeping included, finished), polled every 0.2 s;
- SES calls: ``GET /_local/stats`` ``aws_calls_by_function.EmailController.ses`` after minus before (every SES
  operation the controller made, quota and template calls included), per 1,000 emails received;
- longest invocation: ``durations.EmailController.max_ms`` (worker wall time of one invocation) against the
  function's ``Timeout`` in ``infra/template.yaml``;
- SES-rate floor: expected recipients / the ``MaxSendRate`` SES reports, the fastest the account's quota allows;
  the wall time divided by it (goal <= 3x);
- emulator cost: the median time of one page of the fan-out's subscriber Query, through the stack's endpoint;
- missing / duplicated: ``GET /_local/emails`` (SES as each recipient got it), the emails whose text links to
  this leed, by recipient, against the expected set; "not personal" counts emails without the recipient's name
  or an unsubscribe link.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts run from anywhere

from seeding import leed_body, quiet_trades, seed_subscribers, shape_check

from infra.local.launch import Running, local_stack
from infra.local.sam.model import functions

FUNCTION = "EmailController"
SEND_RATE = "2000"


def _diff(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


def _ses_calls(stats: dict[str, Any]) -> dict[str, int]:
    """SES v1 (the quota) and v2 (templates, SendBulkEmail) calls by operation."""
    calls = stats.get("aws_calls_by_function", {}).get(FUNCTION) or {}
    return {**(calls.get("ses") or {}), **(calls.get("sesv2") or {})}


def gsi_page_seconds(stack: Running, trade: str) -> float:
    """Median time of the fan-out's Query (one page of 50 on ``gsi1``) through the stack's endpoint."""
    dynamodb = stack.client("dynamodb")
    table = dynamodb.list_tables()["TableNames"][0]
    took = []
    for _ in range(5):
        started = time.perf_counter()
        dynamodb.query(TableName=table, IndexName="gsi1", Limit=50, KeyConditionExpression="gsi1pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": f"SUBS#{trade}"}})
        took.append(time.perf_counter() - started)
    return sorted(took)[2]


def run(stack: Running, count: int, timeout: float) -> None:
    quota = stack.client("ses").get_send_quota()
    print(f"SES MaxSendRate reported by the stack: {quota['MaxSendRate']:g} emails/s "
          f"(LEEDZ_SES_MAX_SEND_RATE={SEND_RATE if stack.log else 'as the attached stack was started'})")
    quiet = quiet_trades(stack)
    if len(quiet) < 2:
        raise RuntimeError("need two trades without subscribers; start a fresh stack")
    trade = quiet[0]
    people, seconds = seed_subscribers(stack, trade, count)
    print(f"seeded {count} subscribers of {trade!r} in {seconds:.1f} s (BatchWriteItem, profiles + subscriptions); "
          f"seeded items vs one subscription made through the API ({quiet[-1]!r}): {shape_check(stack, quiet[-1])}")
    seller = people[0]
    expected = {p["email"]: p for p in people[1:]}  # the seller subscribes too, and must not be emailed
    token = stack.token(seller["username"], seller["email"])
    stack.wait_idle(60)
    before = stack.get_json("/_local/stats")
    started = time.perf_counter()
    resp = stack.http.post(f"{stack.api}/leeds", json=leed_body(trade, 1, "Fan-out bench"),
                           headers={"Authorization": f"Bearer {token}"}, timeout=60)
    resp.raise_for_status()
    leed_id = resp.json()["id"]
    posted = time.perf_counter() - started
    finished = stack.wait_idle(timeout, poll=0.2)
    wall = time.perf_counter() - started
    after = stack.get_json("/_local/stats")
    print(f"POST /leeds answered {resp.status_code} in {posted * 1000:.0f} ms; leed {leed_id}")
    print(f"wall time, POST until /_local/health pending 0: {wall:.1f} s"
          + ("" if finished else f" (gave up after {timeout:.0f} s: still pending)"))
    floor = len(expected) / float(quota["MaxSendRate"])
    print(f"SES-rate floor, recipients / MaxSendRate: {len(expected)} / {quota['MaxSendRate']:g} = {floor:.1f} s; "
          f"wall / floor = {wall / floor:.2f}x (goal <= 3x)")

    emails = [e for e in stack.get_json("/_local/emails", timeout=600)["items"]
              if f"/leeds/{leed_id}" in (e["text"] or "")]
    got = Counter(address for e in emails for address in e["to"])
    missing = set(expected) - set(got)
    duplicated = sum(n - 1 for n in got.values() if n > 1)
    unexpected = set(got) - set(expected)
    not_personal = sum(1 for e in emails for a in e["to"] if a in expected and not (
        f"Hi {expected[a]['name']}," in (e["text"] or "") and "/unsubscribe?token=" in (e["text"] or "")
        and "/unsubscribe?token=" in (e.get("headers") or {}).get("List-Unsubscribe", "")))
    ses = _diff(_ses_calls(after), _ses_calls(before))
    total_ses = sum(ses.values())
    received = sum(got.values())
    print(f"emails for this leed: {received} received by {len(got)} addresses; expected {len(expected)} "
          f"(subscribers minus the seller)")
    print(f"missing: {len(missing)}   duplicated: {duplicated}   unexpected recipients: {len(unexpected)}   "
          f"not personal: {not_personal}")
    print(f"SES calls by EmailController (stats diff): {total_ses} = {ses}")
    if received:
        sends = ses.get("SendBulkEmail", 0) + ses.get("SendEmail", 0)
        print(f"SES calls per 1,000 recipients: {total_ses * 1000 / received:.2f} all operations, "
              f"{sends * 1000 / received:.2f} send calls (goal <= 25, floor 20)")
    timeout_s = functions()[FUNCTION].timeout
    durations = after.get("durations", {}).get(FUNCTION, {})
    invocations = _diff(after["invocations"].get(FUNCTION, {}), before["invocations"].get(FUNCTION, {}))
    print(f"{FUNCTION} invocations in the fan-out: {invocations}; longest {durations.get('max_ms', 0) / 1000:.1f} s "
          f"of its {timeout_s} s timeout ({durations.get('max_ms', 0) / 10 / timeout_s:.0f}%; /_local/stats "
          f"durations.max_ms, since the stack started)")
    failed = stack.get_json("/_local/failed")["items"]
    print(f"records in OnFailure destinations: {len(failed)}")
    page = gsi_page_seconds(stack, trade)
    pages = -(-count // 50)
    print(f"emulator cost: one 50-subscriber page of the gsi1 Query takes {page * 1000:.0f} ms here, through the "
          f"endpoint (median of 5), so {pages} pages ~ {page * pages:.0f} s of the wall time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--url", help="a running stack's API (else one is started on free ports)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the fan-out")
    args = parser.parse_args()
    with local_stack(args.url, LEEDZ_SES_MAX_SEND_RATE=SEND_RATE) as stack:
        run(stack, args.subscribers, args.timeout)
        if stack.log:
            print(f"stack log: {stack.log}")


if __name__ == "__main__":
    main()
