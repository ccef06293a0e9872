"""Account-wide SES pacing (``shared/send_pacing.py``): senders together stay under the account's rate.

The check is SES's own: the emulated quota (``infra/local/aws/ses_quota.py``'s bucket) on the same clock
accepts every send. Senders pacing themselves alone (``mail.Pacer``) are refused, the failure this fixes.
"""

from __future__ import annotations

from typing import Any

import boto3

from infra.local.aws.ses_quota import Bucket
from shared import db, mail, send_pacing
from tests.conftest import TABLE

RATE = 100.0


class Clock:
    """Simulated wall time: a sender's sleep moves it on (senders take turns, as threads would interleave)."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def _run(pacers: list[Any], clock: Clock, rounds: int) -> tuple[int, float]:
    """Each sender sends 50 a round, in turn; (sends SES refused, seconds it took)."""
    bucket, started = Bucket(RATE, clock=clock), clock.now
    for _round in range(rounds):
        for pacer in pacers:
            pacer.wait(50)
            bucket.take(50)
    return bucket.throttled, clock.now - started


def test_concurrent_senders_share_the_account_rate(aws: None) -> None:
    clock = Clock()
    pacers = [send_pacing.AccountPacer(RATE, clock=clock, sleep=clock.sleep) for _ in range(4)]
    throttled, took = _run(pacers, clock, rounds=5)
    assert throttled == 0
    assert took >= (4 * 5 * 50 - 50) / RATE  # never faster than the rate: the first batch goes at once
    assert took < (4 * 5 * 50) / RATE + 0.5  # nor much slower: the rate is used, not wasted


def test_senders_pacing_alone_exceed_it(aws: None) -> None:
    clock = Clock()
    pacers = [mail.Pacer(RATE, clock=clock, sleep=clock.sleep) for _ in range(4)]
    throttled, _ = _run(pacers, clock, rounds=5)
    assert throttled > 0


def test_a_sender_s_slot_survives_other_senders_writes(aws: None) -> None:
    """A stale view of the schedule (another container wrote since) costs a retry, never a shared slot."""
    clock = Clock()
    first, second = (send_pacing.AccountPacer(RATE, clock=clock, sleep=lambda _s: None) for _ in range(2))
    first.wait(50)   # slot [t, t+0.5)
    second.wait(50)  # knew nothing: its first write is refused, it takes [t+0.5, t+1)
    first.wait(50)   # its own view is stale now: retried, [t+1, t+1.5)
    item = db.from_ddb(boto3.client("dynamodb").get_item(TableName=TABLE, Key=db.to_ddb(send_pacing.KEY))["Item"])
    assert float(item["next_free"]) == clock.now + 1.5
