"""Per-user quotas on what mails or costs other people (issue 18): posting (a fan-out to every subscriber of a
trade), buying (receipts to two people) and reporting (an email to the admins).

The API stage throttle is shared by everyone; this is per account. Each kind allows ``limit`` actions in a fixed
window of ``window`` seconds, counted by one conditional ``UpdateItem`` on an item in the user's own partition
(``USER#{username}`` / ``QUOTA#{kind}#{window start}``): the increment happens only while the count is under
the limit, so concurrent requests can never pass it together, and the item carries a TTL so DynamoDB removes
it after its window. A fixed window (not a sliding one) lets a user spend at most two windows' worth around a
window's edge: the price of one write per request instead of a read and a write.

Settings: ``QUOTA_<KIND>`` (``"limit/seconds"``), set by the template from its ``<Kind>Quota`` parameters;
without the variable, the template's default below (tests/integration/test_quotas.py keeps the two equal).

Posting and buying count inside their own transaction (``charge``): a refused or failed action (a 403, a lost
race, a booking conflict) counts nothing and writes nothing. An action that is not one transaction spends its
quota in one line before it acts: ``quotas.spend(me.username, "report")``.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from shared import clients, db
from shared.errors import TooManyRequests

DEFAULTS = {"post": "20/3600", "buy": "30/3600", "report": "10/3600"}
TTL_SLACK_SECONDS = 60  # the item outlives its window a little: TTL deletion is lazy anyway


@dataclass(frozen=True)
class Quota:
    kind: str
    limit: int
    window: int  # seconds


def quota(kind: str) -> Quota:
    """The setting of ``kind`` from the environment (read per call, like ``shared.config``)."""
    text = os.environ.get(f"QUOTA_{kind.upper()}", "").strip() or DEFAULTS[kind]
    limit, _, window = text.partition("/")
    return Quota(kind, int(limit), int(window))


def quota_key(username: str, kind: str, window_start: int) -> dict[str, str]:
    return {"pk": f"USER#{username}", "sk": f"QUOTA#{kind}#{window_start}"}


@dataclass(frozen=True)
class Charge:
    """One ``kind`` action of a user, to count: ``update`` (a ``TransactWriteItems`` Update) counts it in the
    same transaction as the action, so a refused or failed action counts nothing; ``refused`` is the 429 to
    raise when its condition is what cancelled the transaction."""

    update: dict[str, Any]
    refused: TooManyRequests


def charge(username: str, kind: str, *, now: float | None = None) -> Charge:
    setting = quota(kind)
    now = time.time() if now is None else now
    start = int(now // setting.window * setting.window)
    end = start + setting.window
    retry_after = max(1, math.ceil(end - now))
    update = {
        "Key": db.to_ddb(quota_key(username, kind, start)),
        "UpdateExpression": "ADD #n :one SET expires_at = if_not_exists(expires_at, :expires)",
        "ConditionExpression": "attribute_not_exists(#n) OR #n < :limit",
        "ExpressionAttributeNames": {"#n": "n"},
        "ExpressionAttributeValues": db.values(one=1, limit=setting.limit, expires=end + TTL_SLACK_SECONDS),
    }
    refused = TooManyRequests(f"Quota reached: {setting.limit} per {_duration(setting.window)} for {ACTS[kind]}; "
                              f"try again in {retry_after} seconds.", retry_after=retry_after)
    return Charge({"Update": update}, refused)


def spend(username: str, kind: str, *, now: float | None = None) -> None:
    """Count one ``kind`` action of ``username`` on its own (one conditional ``UpdateItem``); raise
    ``TooManyRequests`` (429, ``Retry-After``) when the window's limit is spent already. For an action that is
    one transaction, put ``charge(...).update`` in it instead, so only a done action counts."""
    counted = charge(username, kind, now=now)
    try:
        clients.dynamodb().update_item(TableName=db.table(), **counted.update["Update"])
    except ClientError as exc:
        if not db.is_condition_failure(exc):
            raise
        raise counted.refused from None


ACTS = {"post": "posting leeds", "buy": "buying leeds", "report": "reporting leeds"}


def _duration(seconds: int) -> str:
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return unit if count == 1 else f"{count} {unit}s"
    return f"{seconds} seconds"
