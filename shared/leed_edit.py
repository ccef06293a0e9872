"""``PATCH /leeds/{id}``: the seller corrects a leed while it is for sale.

The changed leed is checked as a whole (``NewLeed``: a new start must still come before the old end) and its
booking slot recomputed: a new address is geocoded again (``shared.places``), an unchanged one keeps its place
(the slot's last part). One transaction writes the whole item on condition that it is still for sale, still
the caller's and still on the slot we read (a concurrent buy or edit makes it fail, and we answer from a fresh
read); where the slot moved, the old one is deleted and the new one created with ``attribute_not_exists``, so
an edit onto a booked slot is a 409 that changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from shared import db, leeds, places
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.leed_models import LeedChange, NewLeed, full_view

PLACE_FIELDS = ("place_label", "lat", "lon", "gsi2pk", "gsi2sk")
EDITABLE = ("title", "details", "price_cents", "start", "end", "location")


def _require_editable(leed_id: str, seller: str) -> dict[str, Any]:
    item = db.find_leed(leed_id)
    if item is None:
        raise NotFound("There is no such leed.")
    if item["seller"] != seller:
        raise Forbidden("Only the seller can change a leed.")
    if item["status"] != leeds.FOR_SALE:
        raise Conflict(f"This leed is {item['status'].replace('_', ' ')}; it can no longer be changed.")
    return item


def _merged(item: dict[str, Any], change: LeedChange) -> NewLeed:
    current = {"trade": item["trade"], "title": item["title"], "details": item.get("details", ""),
               "price_cents": item["price_cents"], "start": item["start"], "end": item["end"],
               "location": {"address": item["address"], "zip": item["zip"]}}
    given = change.model_dump(mode="json", include=change.model_fields_set)
    try:
        return NewLeed.model_validate({**current, **given})
    except ValidationError as exc:
        details = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]} for e in exc.errors()]
        raise ValidationFailed("The request is not valid.", details) from exc


def _place(item: dict[str, Any], new: NewLeed) -> places.Place:
    if (new.location.address, new.location.zip) != (item["address"], item["zip"]):
        return places.locate(new.location.address, new.location.zip)
    lat, lon = item.get("lat"), item.get("lon")
    return places.Place(key=item["slot"].rsplit("#", 1)[1], label=item.get("place_label"),
                        lat=None if lat is None else float(lat), lon=None if lon is None else float(lon))


def _new_item(item: dict[str, Any], new: NewLeed, place: places.Place) -> dict[str, Any]:
    fresh, _ = leeds.new_leed_items(item["id"], new, item["seller"], item["created_at"], place)
    kept = {k: v for k, v in item.items() if k not in PLACE_FIELDS}
    result = {**kept, **fresh, "updated_at": datetime.now(UTC).isoformat()}
    if item.get("hidden"):  # reported: off every listing until reviewed
        for key in leeds.OFF_SALE.split(", "):
            result.pop(key, None)
    return result


def edit_leed(leed_id: str, seller: str, change: LeedChange) -> dict[str, Any]:
    item = _require_editable(leed_id, seller)
    new = _merged(item, change)
    place = _place(item, new)
    updated = _new_item(item, new, place)
    put = {"Put": {"Item": db.to_ddb(updated),
                   "ConditionExpression": "#status = :for_sale AND seller = :me AND slot = :slot",
                   "ExpressionAttributeNames": {"#status": "status"},
                   "ExpressionAttributeValues": db.values(for_sale=leeds.FOR_SALE, me=seller, slot=item["slot"])}}
    writes = [put]
    if updated["slot"] != item["slot"]:
        writes.append({"Put": {"Item": db.to_ddb({**db.booking_key(updated["slot"]), "leed_id": leed_id,
                                                  "trade": item["trade"], "created_at": updated["updated_at"]}),
                               "ConditionExpression": "attribute_not_exists(pk)"}})
        writes.append({"Delete": {"Key": db.to_ddb(db.booking_key(item["slot"])),
                                  "ConditionExpression": "leed_id = :id",
                                  "ExpressionAttributeValues": db.values(id=leed_id)}})
    try:
        db.transact(writes)
    except db.TransactionCancelled as exc:
        if exc.failed(0):
            _require_editable(leed_id, seller)  # sold or withdrawn meanwhile: its answer
            raise Conflict("This leed changed meanwhile; read it again.") from exc
        if exc.failed(1):
            raise Conflict("booking conflict: this trade is already booked at that address on that date") from exc
        raise
    return full_view(updated)


