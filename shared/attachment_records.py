"""The attachment items of a leed: ten slots, each holding at most one attachment and its lifecycle.

A leed has exactly ``MAX_ATTACHMENTS`` possible items (``db.attachment_key(leed_id, slot)``, slots 0-9), so the
cap holds by construction: a new attachment takes a slot with a conditional put, and two concurrent requests can
never take the same one. A slot is free when it has no item, or when its item is ``pending`` past its upload
URL's expiry with nothing uploaded; reclaiming such a slot conditions on the very item that was checked (its
key, status and expiry), so a slot whose upload just turned ``ready`` is never taken. DynamoDB's TTL
(``expires_at``) only tidies pending items up later: it is lazy, so nothing here relies on it.

Statuses: ``pending`` (upload URL issued) -> ``ready`` (thumbnail written) or ``rejected`` (not a valid image:
``reason`` says why). Only the thumbnail function moves them, and only while the slot still holds its key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from shared import clients, db

MAX_ATTACHMENTS = 10  # per leed
PENDING, READY, REJECTED = "pending", "ready", "rejected"
TIDY_AFTER = 86_400  # seconds after its upload URL expired that DynamoDB's TTL may delete a pending item

_NAMES = {"#status": "status", "#key": "key"}


def now() -> float:
    """The one clock the slots' expiry is read by (tests move it; AWS signing keeps the real one)."""
    return time.time()


def items(leed_id: str) -> list[dict[str, Any]]:
    """Every attachment item of the leed (at most ten), oldest first."""
    found = db.query_all(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :att)",
        ExpressionAttributeValues=db.values(pk=db.leed_key(leed_id)["pk"], att="ATT#"),
        ConsistentRead=True,
    )
    return sorted(found, key=lambda i: i.get("created_at", ""))


def find(leed_id: str, key: str) -> dict[str, Any] | None:
    return next((i for i in items(leed_id) if i.get("key") == key), None)


def is_expired(item: dict[str, Any], at: float | None = None) -> bool:
    """A pending item whose upload URL has expired (whether something was uploaded is S3's to say)."""
    return item.get("status") == PENDING and int(item.get("upload_expires", 0)) <= (at or now())


def claim(leed_id: str, item: dict[str, Any], uploaded: Callable[[dict[str, Any]], bool]) -> bool:
    """Store ``item`` in a free slot; False when all ten are taken. ``uploaded(old)`` says whether an expired
    pending item's file arrived after all (then its slot stays taken until the conversion decides)."""
    at = int(now())
    taken = {int(i["slot"]): i for i in items(leed_id)}
    for slot in range(MAX_ATTACHMENTS):
        old = taken.get(slot)
        if old is None:
            condition, expr = "attribute_not_exists(pk)", {}
        elif is_expired(old, at) and not uploaded(old):
            condition = "#key = :old AND #status = :pending AND upload_expires <= :now"
            expr = {"ExpressionAttributeNames": _NAMES,
                    "ExpressionAttributeValues": db.values(old=old["key"], pending=PENDING, now=at)}
        else:
            continue
        new = {**item, **db.attachment_key(leed_id, slot), "slot": slot, "status": PENDING,
               "expires_at": int(item["upload_expires"]) + TIDY_AFTER}
        try:
            db.put(new, condition=condition, **expr)
            return True
        except ClientError as exc:
            if not db.is_condition_failure(exc):
                raise
            # another request took this slot since we read it: try the next one
    return False


def _if_still_there(leed_id: str, item: dict[str, Any], operation: str, *, pending_only: bool = False,
                    **kwargs: Any) -> bool:
    """Run ``operation`` (``update_item`` or ``delete_item``) on the item's slot if the slot still holds this
    key (and, with ``pending_only``, is still pending); False if it was deleted or reclaimed meanwhile."""
    names = _NAMES if "UpdateExpression" in kwargs else {"#key": "key"}  # DynamoDB refuses unused names
    values = kwargs.pop("values", {})
    condition = "#key = :key"
    if pending_only:
        condition, values = "#key = :key AND #status = :pending", {**values, "pending": PENDING}
    try:
        getattr(clients.dynamodb(), operation)(
            TableName=db.table(), Key=db.to_ddb(db.attachment_key(leed_id, int(item["slot"]))),
            ConditionExpression=condition, ExpressionAttributeNames=names,
            ExpressionAttributeValues=db.values(key=item["key"], **values), **kwargs,
        )
        return True
    except ClientError as exc:
        if db.is_condition_failure(exc):
            return False
        raise


def mark_ready(leed_id: str, item: dict[str, Any]) -> bool:
    """Pending -> ready; False if the slot no longer holds this key or it is no longer pending (another event
    of the same key decided first): a status moves once (issue 18)."""
    return _if_still_there(leed_id, item, "update_item", pending_only=True,
                           UpdateExpression="SET #status = :ready REMOVE expires_at, reason",
                           values={"ready": READY})


def mark_rejected(leed_id: str, item: dict[str, Any], reason: str) -> bool:
    return _if_still_there(leed_id, item, "update_item", pending_only=True,
                           UpdateExpression="SET #status = :rejected, reason = :reason REMOVE expires_at",
                           values={"rejected": REJECTED, "reason": reason[:500]})


def remove(leed_id: str, item: dict[str, Any]) -> bool:
    """Delete the item if the slot still holds this key; False if someone else removed it first."""
    return _if_still_there(leed_id, item, "delete_item")
