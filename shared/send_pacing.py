"""One SES send rate for the whole account: every concurrent sender paces itself against one shared schedule.

SES's ``MaxSendRate`` is the account's, not a sender's. Each fan-out used to pace itself at the whole rate, so N
fan-outs at once sent N times too fast, and a throttled first send put a batch through Lambda's retries and,
after them, into the failure queue. Three designs were weighed:

- **A shared token bucket in DynamoDB** (this module). Every send first reserves its slot on one schedule item
  with a conditional write, then waits for the slot. Correct for any number of senders in any number of
  containers, and for any function that sends; costs one small conditional write per 50-recipient batch (two
  or three when senders collide), i.e. ~2 % of the writes a fan-out already makes; no new infrastructure.
- **A single consumer** (reserved concurrency 1 on the email controller, or an SQS FIFO queue in front of it):
  also correct, but one slow fan-out then holds every other email (receipts included) behind it, and a
  20,000-subscriber fan-out already needs several invocations in a row.
- **Reserved concurrency N, each sender at rate/N**: needs no shared state, but wastes the rate whenever fewer
  than N senders run (one fan-out alone would go at a fraction of the quota), and the invocation count of a
  Lambda function is not the number of senders (continuations, receipts).

So: the shared schedule for correctness, and reserved concurrency on the email controller only to bound how
much of the account's Lambda concurrency mail can take (``infra/template.yaml``), not to pace.

The schedule is GCRA ("virtual scheduling"): the item holds ``next_free``, the wall-clock time at which the
account's rate is next unspent. A send of n recipients takes ``[max(now, next_free), +n/rate)`` by writing the
new end with the condition that ``next_free`` is still the value it read (optimistic; on a conflict DynamoDB
returns the current value with the refusal, so a retry needs no extra read), then sleeps until its start. The
sends therefore never exceed ``rate`` over any interval by more than one batch, which is what SES's own bucket
allows. Item: ``pk = CONFIG#ses-send-rate``, ``sk = CONFIG`` (in the data table; the email controller's role
already writes it).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from decimal import Decimal

from botocore.exceptions import ClientError

from shared import clients, db

KEY = {"pk": "CONFIG#ses-send-rate", "sk": "CONFIG"}
ATTEMPTS = 25  # reservations lost to other senders before giving up (each loss means another sender won)


class SendRateBusy(RuntimeError):
    """Too many senders at once to get a slot; raised before anything is sent, so Lambda's retry is safe."""


class AccountPacer:
    """``wait(recipients)`` returns when sending them keeps the account under ``rate`` emails per second.

    The same interface as ``mail.Pacer`` (``wait`` and ``sleep``), shared across every container through
    DynamoDB; ``clock`` is wall-clock time (``time.time``) because other containers read the same schedule.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate, self.clock, self.sleep = rate, clock, sleep
        self._seen: str | None = None  # next_free as last written or read, in DynamoDB's own number text

    def wait(self, recipients: int) -> None:
        start = self._reserve(recipients / self.rate)
        delay = start - self.clock()
        if delay > 0:
            self.sleep(delay)

    def _reserve(self, cost: float) -> float:
        for _attempt in range(ATTEMPTS):
            start = max(self.clock(), float(self._seen) if self._seen is not None else 0.0)
            end = f"{Decimal(start + cost):.6f}"
            condition = "attribute_not_exists(next_free)" if self._seen is None else "next_free = :seen"
            values = {":end": {"N": end}} | ({":seen": {"N": self._seen}} if self._seen is not None else {})
            try:
                clients.dynamodb().update_item(
                    TableName=db.table(), Key=db.to_ddb(KEY), UpdateExpression="SET next_free = :end",
                    ConditionExpression=condition, ExpressionAttributeValues=values,
                    ReturnValuesOnConditionCheckFailure="ALL_OLD")
            except ClientError as exc:
                if not db.is_condition_failure(exc):
                    raise
                current = (exc.response.get("Item") or {}).get("next_free")
                self._seen = current["N"] if current else None
                self.sleep(random.uniform(0, 0.005))  # noqa: S311 - jitter, not security
                continue
            self._seen = end
            return start
        raise SendRateBusy(f"no SES send slot after {ATTEMPTS} tries")
