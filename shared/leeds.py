"""The leed lifecycle: post, read, buy, withdraw. Every change is one transaction with its outbox entry.

The leed item (read by the controllers too) keeps ``start``/``end`` as ISO text in the poster's own offset.
While for sale it carries ``gsi1pk = FORSALE#{trade}`` / ``gsi1sk = {start in UTC}#{id}``; selling or
withdrawing REMOVEs them, so the sparse index only ever holds what can be bought.

Pre-checks read the item to answer precisely (404/403/409); the transaction's conditions repeat them, so a
race between the read and the write still cannot oversell or withdraw a sold leed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from shared import booking, db, dispatch, leed_places, outbox, places, quotas
from shared.errors import Conflict, Forbidden, NotFound
from shared.leed_models import NewLeed, full_view, view_for

FOR_SALE, SOLD, WITHDRAWN = "for_sale", "sold", "withdrawn"
# The index keys a leed holds only while it can be bought (by start; near a place): REMOVEd together.
OFF_SALE = "gsi1pk, gsi1sk, gsi2pk, gsi2sk"


def for_sale_sort_key(start: datetime, leed_id: str) -> str:
    """Fixed-width UTC text, so string order is time order whatever offset the poster used."""
    return f"{start.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{leed_id}"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _commit(writes: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
    """One transaction: the writes plus the outbox entry; then fire (failures are left to the sweeper)."""
    outbox_id, entry = outbox.stage(events)
    db.transact([*writes, entry])
    outbox.release(outbox_id, events)


def new_leed_items(leed_id: str, new: NewLeed, seller: str, now: str,
                   place: places.Place | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The items a post writes: the leed, for sale, and its booking slot (the local stack's demo data too).
    ``place`` is the geocoded address (``places.locate``); None stands for the address text."""
    place = place or places.text_place(new.location.address)
    slot = booking.slot(new.trade, new.start, place.key, new.location.zip)
    item = {
        **db.leed_key(leed_id),
        "id": leed_id, "trade": new.trade, "title": new.title,
        "start": new.start.isoformat(), "end": new.end.isoformat(),
        "address": new.location.address, "zip": new.location.zip,
        "price_cents": new.price_cents, "details": new.details,
        "seller": seller, "status": FOR_SALE, "created_at": now, "slot": slot,
        "gsi1pk": f"FORSALE#{new.trade}", "gsi1sk": for_sale_sort_key(new.start, leed_id),
        **leed_places.place_fields(new.trade, leed_id, place),
        "gsi3pk": f"SELLER#{seller}", "gsi3sk": f"{now}#{leed_id}",  # the seller's leeds (shared/my_leeds.py)
    }
    return item, {**db.booking_key(slot), "leed_id": leed_id, "trade": new.trade, "created_at": now}


def add_leed(new: NewLeed, seller: str, correlation_id: str) -> dict[str, Any]:
    leed_id = uuid.uuid4().hex
    place = places.locate(new.location.address, new.location.zip)  # before the write, as the Leedz paper does
    item, slot_item = new_leed_items(leed_id, new, seller, _now(), place)
    events = [dispatch.event(name, correlation_id, leed_id=leed_id) for name in ("notifyUsers", "recordPost")]
    quota = quotas.charge(seller, "post")  # counted with the post, so a refused post counts nothing
    writes = [
        {"Put": {"Item": db.to_ddb(item), "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Put": {"Item": db.to_ddb(slot_item), "ConditionExpression": "attribute_not_exists(pk)"}},
        quota.update,
    ]
    try:
        _commit(writes, events)
    except db.TransactionCancelled as exc:
        if exc.failed(1):
            raise Conflict("booking conflict: this trade is already booked at that address on that date") from exc
        if exc.failed(2):
            raise quota.refused from exc
        raise
    return full_view(item)


def _require(leed_id: str) -> dict[str, Any]:
    item = db.find_leed(leed_id)
    if item is None:
        raise NotFound("There is no such leed.")
    return item


def get_leed(leed_id: str, username: str) -> dict[str, Any]:
    return view_for(_require(leed_id), username)


def _check_buyable(item: dict[str, Any], buyer: str) -> bool:
    """True if ``buyer`` may buy it now; False if they already did (their retry after a lost answer gets the
    same view again, and nothing happens twice); raises for everyone else."""
    if item["seller"] == buyer:
        raise Forbidden("You cannot buy your own leed.")
    if item["status"] == SOLD and item.get("buyer") == buyer:
        return False
    if item["status"] != FOR_SALE:
        raise Conflict("This leed is not for sale.")
    return True


def buy_leed(leed_id: str, buyer: str, correlation_id: str) -> dict[str, Any]:
    item = _require(leed_id)
    if not _check_buyable(item, buyer):
        return full_view(item)
    sold_at = _now()
    update = {"Update": {
        "Key": db.to_ddb(db.leed_key(leed_id)),
        "UpdateExpression": ("SET #status = :sold, buyer = :buyer, sold_at = :now, gsi4pk = :bought, gsi4sk = :when "
                             f"REMOVE {OFF_SALE}"),
        "ConditionExpression": "#status = :for_sale AND seller <> :buyer",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": db.values(sold=SOLD, buyer=buyer, now=sold_at, for_sale=FOR_SALE,
                                               bought=f"BUYER#{buyer}", when=f"{sold_at}#{leed_id}"),
    }}
    events = [dispatch.event(name, correlation_id, leed_id=leed_id)
              for name in ("sendSaleReceipts", "recordSale", "leedSold")]
    quota = quotas.charge(buyer, "buy")  # counted with the sale, so a refused buy counts nothing
    try:
        _commit([update, quota.update], events)
    except db.TransactionCancelled as exc:
        if exc.failed(0):  # someone else bought (or the seller withdrew) since we read it; or we did
            again = _require(leed_id)
            if not _check_buyable(again, buyer):
                return full_view(again)
        if exc.failed(1):
            raise quota.refused from exc
        raise
    for key in OFF_SALE.split(", "):
        item.pop(key, None)
    return full_view({**item, "status": SOLD, "buyer": buyer, "sold_at": sold_at})


def _check_withdrawable(item: dict[str, Any], seller: str) -> bool:
    """True if there is something to withdraw; False if it already is withdrawn (DELETE is idempotent)."""
    if item["seller"] != seller:
        raise Forbidden("Only the seller can withdraw a leed.")
    if item["status"] == SOLD:
        raise Conflict("This leed is sold; it cannot be withdrawn.")
    return item["status"] == FOR_SALE


def withdraw_leed(leed_id: str, seller: str, correlation_id: str) -> None:
    item = _require(leed_id)
    if not _check_withdrawable(item, seller):
        return
    update = {"Update": {
        "Key": db.to_ddb(db.leed_key(leed_id)),
        "UpdateExpression": f"SET #status = :withdrawn, withdrawn_at = :now REMOVE {OFF_SALE}",
        "ConditionExpression": "#status = :for_sale AND seller = :me",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": db.values(withdrawn=WITHDRAWN, now=_now(), for_sale=FOR_SALE, me=seller),
    }}
    free_slot = {"Delete": {
        "Key": db.to_ddb(db.booking_key(item["slot"])),
        "ConditionExpression": "leed_id = :id",
        "ExpressionAttributeValues": db.values(id=leed_id),
    }}
    try:
        _commit([update, free_slot], [dispatch.event("recordWithdrawal", correlation_id, leed_id=leed_id)])
    except db.TransactionCancelled as exc:
        if exc.failed(0) and not _check_withdrawable(_require(leed_id), seller):
            return  # a concurrent DELETE won: same outcome
        raise
