"""In-app notifications: written by the notification controller, read by ``GET /users/me/notifications``.

A notification lives in its user's partition under ``NOTE#{created_at}#{id}``, so one Query in reverse key
order gives the newest first. ``created_at`` is the business time (the leed's ``sold_at``), not the time the
controller ran, and the ids are derived from the leed: a retried event rebuilds exactly the same items.
"""

from __future__ import annotations

import binascii
import json
import re
import uuid
from typing import Any

from botocore.exceptions import ClientError

from shared import base64url, clients, db, effects
from shared.errors import LeedMissing, ValidationFailed
from shared.formatting import dollars
from shared.users import display_name

FIELDS = ("id", "type", "leed_id", "message", "created_at")
ISSUED_SORT_KEY = re.compile(r"NOTE#[0-9T:.+\-]{10,40}#[0-9a-f]{32}")  # NOTE#{ISO time}#{uuid5 hex}
_NAMESPACE = uuid.UUID("6f1c1b1e-4a53-4b7e-9a57-6c2b8f0d1e55")  # fixed: the same leed gives the same ids


def note_id(leed_id: str, kind: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{kind}/{leed_id}").hex


def _note(username: str, kind: str, leed_id: str, message: str, created_at: str) -> dict[str, Any]:
    nid = note_id(leed_id, kind)
    item = {**db.notification_key(username, created_at, nid), "id": nid, "type": kind, "leed_id": leed_id,
            "message": message, "created_at": created_at}
    return {"Put": {"Item": db.to_ddb(item), "ConditionExpression": "attribute_not_exists(pk)"}}


def _messages(leed: dict[str, Any], seller_name: str, buyer_name: str) -> dict[str, str]:
    """The text of each sale notification, by its kind (``leed_sold`` for the seller, ``leed_bought``)."""
    title, price = leed["title"], dollars(leed["price_cents"])
    return {"leed_sold": f"Your leed “{title}” was bought by {buyer_name} for {price}.",
            "leed_bought": f"You bought “{title}” from {seller_name} for {price}."}


def leed_sold(leed_id: str) -> bool:
    """Tell the seller who bought their leed and the buyer what they bought; False if already done."""
    leed = db.get(db.leed_key(leed_id), consistent=True)
    if leed is None or leed.get("status") != "sold":
        raise LeedMissing(f"leed {leed_id} is not a sold leed")  # never normal: retry, then the failure queue
    seller, buyer, sold_at = leed["seller"], leed["buyer"], leed["sold_at"]
    text = _messages(leed, display_name(seller), display_name(buyer))
    return effects.once("leedSold", leed_id, [
        _note(seller, "leed_sold", leed_id, text["leed_sold"], sold_at),
        _note(buyer, "leed_bought", leed_id, text["leed_bought"], sold_at),
    ])


def rename_party(leed: dict[str, Any], role: str, shown_as: str) -> None:
    """The other party's sale notification names the ``role`` ("seller" or "buyer") ``shown_as`` from now on
    (an account erased). Its key follows from the leed, so no search; a note not written yet is left alone
    (``leed_sold`` reads the renamed leed when it runs)."""
    kind, other = ("leed_bought", leed["buyer"]) if role == "seller" else ("leed_sold", leed["seller"])
    names = {"seller": display_name(leed["seller"]), "buyer": display_name(leed["buyer"]), role: shown_as}
    key = db.notification_key(other, leed["sold_at"], note_id(leed["id"], kind))
    try:
        clients.dynamodb().update_item(
            TableName=db.table(), Key=db.to_ddb(key), UpdateExpression="SET message = :message",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=db.values(message=_messages(leed, names["seller"], names["buyer"])[kind]))
    except ClientError as exc:
        if not db.is_condition_failure(exc):
            raise


def _encode(sk: str) -> str:
    return base64url.encode(json.dumps({"sk": sk}).encode())


def _decode(cursor: str) -> str:
    """The sort key in a cursor we issued; anything else is a 422, never a 500. The partition always comes
    from the caller's identity, so a cursor cannot open someone else's notifications."""
    try:
        sk = json.loads(base64url.decode(cursor))["sk"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(sk, str) or not ISSUED_SORT_KEY.fullmatch(sk):  # a forged key may not even fit DynamoDB
        raise _bad_cursor()
    return sk


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed("The request is not valid.",
                            [{"field": "cursor", "message": "not a cursor this API issued"}])


def list_for(username: str, *, limit: int = 25, cursor: str | None = None) -> dict[str, Any]:
    """One page of a user's notifications, newest first: ``{"items", "next"}``."""
    pk = db.profile_key(username)["pk"]
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :note)",
        "ExpressionAttributeValues": db.values(pk=pk, note="NOTE#"),
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if cursor:
        kwargs["ExclusiveStartKey"] = db.to_ddb({"pk": pk, "sk": _decode(cursor)})
    items, last = db.query(**kwargs)
    return {
        "items": [{name: item.get(name) for name in FIELDS} for item in items],
        "next": _encode(last["sk"]) if last else None,
    }
