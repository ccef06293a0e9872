"""``GET /users/me/leeds?role=seller|buyer``: the caller's own leeds, newest first, in the full view.

Each leed carries ``gsi3pk = SELLER#{seller}`` / ``gsi3sk = {created_at}#{id}`` from its post and, once sold,
``gsi4pk = BUYER#{buyer}`` / ``gsi4sk = {sold_at}#{id}`` (set by the buy's own update), so either list is one
Query on its index, read backwards. The cursor is the last item's index key, checked to be one we issued for
this caller and role (a forged one is a 422, never someone else's list).
"""

from __future__ import annotations

import binascii
import json
import re
from typing import Any, Literal

from shared import base64url, db
from shared.errors import ValidationFailed
from shared.leed_models import full_view

Role = Literal["seller", "buyer"]
INDEX = {"seller": ("gsi3", "SELLER"), "buyer": ("gsi4", "BUYER")}
SORT_KEY = re.compile(r"[0-9T:.+\-]{19,40}#([0-9a-f]{32})")


def _invalid() -> ValidationFailed:
    return ValidationFailed("The request is not valid.",
                            [{"field": "cursor", "message": "not a cursor this API issued for this list"}])


def _cursor(item: dict[str, Any], index: str) -> str:
    key = {"pk": item["pk"], "sk": item["sk"], f"{index}pk": item[f"{index}pk"], f"{index}sk": item[f"{index}sk"]}
    return base64url.encode(json.dumps(key, separators=(",", ":")).encode())


def _start_key(cursor: str, index: str, partition: str) -> dict[str, Any]:
    try:
        key = json.loads(base64url.decode(cursor))
    except (binascii.Error, ValueError) as exc:
        raise _invalid() from exc
    if not isinstance(key, dict) or set(key) != {"pk", "sk", f"{index}pk", f"{index}sk"}:
        raise _invalid()
    issued = SORT_KEY.fullmatch(str(key[f"{index}sk"]))
    if not issued or key[f"{index}pk"] != partition or key["pk"] != f"LEED#{issued[1]}" or key["sk"] != "LEED":
        raise _invalid()
    return key


def list_mine(username: str, role: Role, limit: int = 25, cursor: str | None = None) -> dict[str, Any]:
    index, prefix = INDEX[role]
    partition = f"{prefix}#{username}"
    args: dict[str, Any] = {"IndexName": index, "KeyConditionExpression": f"{index}pk = :pk",
                            "ExpressionAttributeValues": db.values(pk=partition), "ScanIndexForward": False,
                            "Limit": limit + 1}
    if cursor:
        args["ExclusiveStartKey"] = db.to_ddb(_start_key(cursor, index, partition))
    items, _ = db.query(**args)
    page = items[:limit]
    return {"items": [full_view(i) for i in page], "next": _cursor(page[-1], index) if len(items) > limit else None}
