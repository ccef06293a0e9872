"""DynamoDB access: one table, its key scheme, and (de)serialisation.

Single-table design (``infra/template.yaml``: ``LeedzTable``, keys ``pk``/``sk``, sparse index ``gsi1`` on
``gsi1pk``/``gsi1sk``, TTL on ``expires_at``). Items and the access pattern each serves:

| item | pk | sk | gsi1pk / gsi1sk |
| --- | --- | --- | --- |
| leed | ``LEED#{id}`` | ``LEED`` | ``FORSALE#{trade}`` / ``{start UTC}#{id}``, only while for sale |
| report (``shared/reports.py``) | ``LEED#{id}`` | ``REPORT#{username}`` | |
| ZIP point cache (``shared/places.py``) | ``ZIPPOINT#{zip5}`` | ``ZIPPOINT`` | |
| attachment (one of ten slots) | ``LEED#{id}`` | ``ATT#{slot}`` | |
| booking slot (``shared/booking.py``) | ``BOOKING#{trade}#{date}#{zip5}#{place key}`` | ``BOOKING`` | |
| profile + user stats | ``USER#{username}`` | ``PROFILE`` | |
| subscription | ``USER#{username}`` | ``SUB#{trade}`` | ``SUBS#{trade}`` / ``{username}`` |
| notification | ``USER#{username}`` | ``NOTE#{created_at}#{id}`` | |
| quota counter (``shared/quotas.py``, TTL) | ``USER#{username}`` | ``QUOTA#{kind}#{window start}`` | |
| erasure record (``shared/erasure.py``) | ``ERASURE#{username}`` | ``ERASURE`` | |
| address delivery status (``shared/suppression.py``) | ``EMAIL#{address}`` | ``STATUS`` | |
| trade counters | ``TRADE#{trade}`` | ``STATS`` | |
| sale (ledger) | ``SALE#{leed_id}`` | ``SALE`` | |
| effect marker | ``DONE#{function}#{leed_id}`` | ``{part}`` | |
| outbox | ``OUTBOX#{id}`` | ``OUTBOX`` | ``OUTBOX`` / ``{created_at}`` |
| idempotency record (``shared/idempotent.py``, TTL) | ``ONCE#{leed_id}`` | the effect's key | |
| the account's SES send schedule (``shared/send_pacing.py``) | ``CONFIG#ses-send-rate`` | ``CONFIG`` | |

A leed also holds the keys of three more sparse indexes: ``gsi2`` ``NEAR#{trade}#{geohash 3}`` /
``{geohash 9}#{id}`` while for sale and placed (``shared/leed_places.py``); ``gsi3`` ``SELLER#{user}`` /
``{created_at}#{id}`` and ``gsi4`` ``BUYER#{user}`` / ``{sold_at}#{id}`` once sold (``shared/my_leeds.py``).

Every multi-item change is one ``TransactWriteItems`` with conditions, so concurrency is correct by
construction. We use the low-level client (not the resource API) because transactions only exist there.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shared import clients, config

_SER = TypeSerializer()
_DES = TypeDeserializer()

GSI1 = "gsi1"


class TransactionCancelled(Exception):
    """A transaction's condition failed; ``reasons`` holds one code per item ("None" where it passed)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = reasons

    def failed(self, index: int) -> bool:
        return index < len(self.reasons) and self.reasons[index] == "ConditionalCheckFailed"

    @property
    def busy(self) -> bool:
        """Cancelled by other transactions on the same items (retried already), not by a condition."""
        return any(r in RETRIED_REASONS for r in self.reasons) and "ConditionalCheckFailed" not in self.reasons


# --- keys -------------------------------------------------------------------------------------------


def leed_key(leed_id: str) -> dict[str, str]:
    return {"pk": f"LEED#{leed_id}", "sk": "LEED"}


def attachment_key(leed_id: str, slot: int) -> dict[str, str]:
    """One of a leed's ten attachment slots (``shared/attachment_records.py``)."""
    return {"pk": f"LEED#{leed_id}", "sk": f"ATT#{slot:02d}"}


def booking_key(slot: str) -> dict[str, str]:
    return {"pk": f"BOOKING#{slot}", "sk": "BOOKING"}


def profile_key(username: str) -> dict[str, str]:
    return {"pk": f"USER#{username}", "sk": "PROFILE"}


def subscription_key(username: str, trade: str) -> dict[str, str]:
    return {"pk": f"USER#{username}", "sk": f"SUB#{trade}"}


def notification_key(username: str, created_at: str, note_id: str) -> dict[str, str]:
    return {"pk": f"USER#{username}", "sk": f"NOTE#{created_at}#{note_id}"}


def trade_stats_key(trade: str) -> dict[str, str]:
    return {"pk": f"TRADE#{trade}", "sk": "STATS"}


def sale_key(leed_id: str) -> dict[str, str]:
    return {"pk": f"SALE#{leed_id}", "sk": "SALE"}


def effect_key(function: str, leed_id: str, part: str = "-") -> dict[str, str]:
    """Marker that an effect of a controller function happened once (see ``shared.effects``)."""
    return {"pk": f"DONE#{function}#{leed_id}", "sk": part}


def outbox_key(outbox_id: str) -> dict[str, str]:
    return {"pk": f"OUTBOX#{outbox_id}", "sk": "OUTBOX"}


# --- serialisation ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_ddb(item: Mapping[str, Any]) -> dict[str, Any]:
    """Python dict -> DynamoDB attribute map; ``None`` values are left out."""
    return {k: _SER.serialize(v) for k, v in item.items() if v is not None}


def from_ddb(item: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """DynamoDB attribute map -> plain Python (Decimals become int or float)."""
    if item is None:
        return None
    return {k: _plain(_DES.deserialize(v)) for k, v in item.items()}


def values(**kwargs: Any) -> dict[str, Any]:
    """``ExpressionAttributeValues`` from keyword arguments: ``values(status="sold")`` -> ``{":status": ...}``."""
    return {f":{k}": _SER.serialize(v) for k, v in kwargs.items()}


# --- operations -----------------------------------------------------------------------------------------


def table() -> str:
    return config.table_name()


def get(key: Mapping[str, str], *, consistent: bool = False) -> dict[str, Any] | None:
    resp = clients.dynamodb().get_item(TableName=table(), Key=to_ddb(key), ConsistentRead=consistent)
    return from_ddb(resp.get("Item"))


def counter(item: Mapping[str, Any] | None, name: str) -> int:
    """A counter as shown. Counters only move by commutative ADDs, so an event processed out of order (a
    withdrawal before its post) can leave one below zero for a moment; nobody should see that."""
    return max(0, int((item or {}).get(name) or 0))


LEED_ID = re.compile(r"[0-9a-f]{32}")  # uuid4 hex, as add_leed makes them


def find_leed(leed_id: str) -> dict[str, Any] | None:
    """The leed item (consistent read), or None. An id that cannot exist is not looked up: a path parameter is
    the client's, and an oversized key would make DynamoDB answer 400 (a 500 for us)."""
    if not LEED_ID.fullmatch(leed_id):
        return None
    return get(leed_key(leed_id), consistent=True)


def put(item: Mapping[str, Any], *, condition: str | None = None, **expr: Any) -> None:
    """Put one item; raises ``ClientError`` (ConditionalCheckFailedException) when ``condition`` fails."""
    kwargs: dict[str, Any] = {"TableName": table(), "Item": to_ddb(item)}
    if condition:
        kwargs["ConditionExpression"] = condition
    kwargs.update(expr)
    clients.dynamodb().put_item(**kwargs)


def delete(key: Mapping[str, str]) -> None:
    """Delete one item (no condition: deleting what is gone already is fine)."""
    clients.dynamodb().delete_item(TableName=table(), Key=to_ddb(key))


def query(**kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of a query: (items, LastEvaluatedKey as plain values or None)."""
    resp = clients.dynamodb().query(TableName=table(), **kwargs)
    items = [from_ddb(i) or {} for i in resp.get("Items", [])]
    return items, from_ddb(resp.get("LastEvaluatedKey"))


def query_all(**kwargs: Any) -> Iterable[dict[str, Any]]:
    """Every item of a query, page by page (lazily)."""
    start: dict[str, Any] | None = None
    while True:
        page_kwargs = dict(kwargs)
        if start:
            page_kwargs["ExclusiveStartKey"] = to_ddb(start)
        items, start = query(**page_kwargs)
        yield from items
        if not start:
            return


# DynamoDB cancels a transaction that overlaps another on the same item (``TransactionConflict``) or meets a
# throttle: nothing was written, so it is safe to run again. botocore does not retry a cancelled transaction,
# hence this loop; a condition that failed is an answer, never retried.
RETRIED_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
TRANSACT_ATTEMPTS = 6
BACKOFF_SECONDS = 0.02


def _reasons(exc: ClientError) -> list[str]:
    reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
    if not reasons:  # some emulators only put the reasons in the message
        message = exc.response["Error"].get("Message", "")
        inner = message[message.find("[") + 1 : message.rfind("]")]
        reasons = [r.strip() for r in inner.split(",")] if inner else []
    return reasons


def transact(items: list[dict[str, Any]]) -> None:
    """``TransactWriteItems`` on this table. Each entry is ``{"Put"|"Update"|"Delete"|"ConditionCheck": {...}}``
    without ``TableName`` (added here). Raises ``TransactionCancelled`` with per-item reasons: a failed
    condition at once, a conflict with other transactions only after ``TRANSACT_ATTEMPTS`` tries (``busy``)."""
    request = [{op: {"TableName": table(), **body} for op, body in entry.items()} for entry in items]
    for attempt in range(1, TRANSACT_ATTEMPTS + 1):
        try:
            clients.dynamodb().transact_write_items(TransactItems=request)
            return
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            cancelled = TransactionCancelled(_reasons(exc))
            if not cancelled.busy or attempt == TRANSACT_ATTEMPTS:
                raise cancelled from exc
        time.sleep(random.uniform(0, BACKOFF_SECONDS * 2**attempt))  # noqa: S311 - jitter, not security


def is_condition_failure(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] == "ConditionalCheckFailedException"
