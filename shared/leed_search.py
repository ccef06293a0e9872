"""``GET /leeds?trade=``: the for-sale leeds of a trade by start, from the sparse index (a Query, never a Scan).

Filters: ``from``/``to`` on the calendar date of ``start`` in its own offset; ``zip`` on the 5-digit ZIP (so
``12345`` finds ``12345-6789`` too). A page holds exactly ``limit`` items whenever more exist: filtered pages
are read until it is full, and the cursor points at the last item returned (not at DynamoDB's last *read*
key), so nothing is skipped or repeated. Leeds whose start has passed are not listed: nobody can use them.
"""

from __future__ import annotations

import binascii
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared import base64url, db
from shared.booking import zip5
from shared.errors import ValidationFailed
from shared.leed_models import public_view

KEY_FIELDS = ("pk", "sk", "gsi1pk", "gsi1sk")
CURSOR_SORT_KEY = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z#([0-9a-f]{32})")
# Items read per request at most when filters thin them (issue 18: a filter matching nothing read 2,000 per
# anonymous request): bounds the cost and latency of one call; past it the page comes back short but with a
# cursor, so the client still sees everything, a request at a time.
MAX_READ = 200
FILTERED_PAGE = 100


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("The request is not valid.", [{"field": field, "message": message}])


def encode_cursor(item: dict[str, Any]) -> str:
    raw = json.dumps({k: item[k] for k in KEY_FIELDS}, separators=(",", ":")).encode()
    return base64url.encode(raw)


def decode_cursor(cursor: str, trade: str) -> dict[str, Any]:
    """The ExclusiveStartKey in a cursor; anything we did not issue for this trade is a 422, never a 500."""
    try:
        key = json.loads(base64url.decode(cursor))
    except (binascii.Error, ValueError) as exc:
        raise _invalid("cursor", "not a cursor this API issued") from exc
    if (not isinstance(key, dict) or set(key) != set(KEY_FIELDS)
            or not all(isinstance(v, str) and v for v in key.values()) or key["gsi1pk"] != f"FORSALE#{trade}"):
        raise _invalid("cursor", "not a cursor this API issued for this trade")
    # The exact form we issue (``leeds.for_sale_sort_key``): a forged key could also be too large for DynamoDB.
    issued = CURSOR_SORT_KEY.fullmatch(key["gsi1sk"])
    if not issued or key["pk"] != f"LEED#{issued[1]}" or key["sk"] != "LEED":
        raise _invalid("cursor", "not a cursor this API issued")
    return key


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at the calendar's ends (``from=0001-01-01`` is valid, a day before it
    is not)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _query_args(trade: str, start: date | None, end: date | None, zip_code: str | None) -> dict[str, Any]:
    """Key condition on the UTC sort key, widened by a day either side (offsets span -12h..+14h); the
    exact local-date test is a filter on ``start``, whose first 10 characters are its own calendar date."""
    lowest = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if start:
        lowest = max(lowest, _shift(start, -1).isoformat())
    names: dict[str, str] = {}
    vals: dict[str, Any] = {"pk": f"FORSALE#{trade}", "lo": lowest}
    key = "gsi1pk = :pk AND gsi1sk >= :lo"
    filters = []
    if end:
        key = "gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi"
        vals.update(hi=_shift(end, 2).isoformat(), until=_shift(end, 1).isoformat())
        filters.append("#start < :until")
    if start:
        vals["from"] = start.isoformat()
        filters.append("#start >= :from")
    if filters:
        names["#start"] = "start"
    if zip_code:
        vals["zip5"] = zip5(zip_code)
        filters.append("begins_with(#zip, :zip5)")
        names["#zip"] = "zip"
    args: dict[str, Any] = {"IndexName": db.GSI1, "KeyConditionExpression": key,
                            "ExpressionAttributeValues": db.values(**vals)}
    if filters:
        args.update(FilterExpression=" AND ".join(filters), ExpressionAttributeNames=names)
    return args


def list_for_sale(trade: str, *, from_: date | None = None, to: date | None = None, zip_code: str | None = None,
                  limit: int = 25, cursor: str | None = None) -> dict[str, Any]:
    """``from_``/``to`` arrive as dates (``leed_models.CalendarDate`` parses the query)."""
    start, end = from_, to
    if start and end and start > end:
        raise _invalid("to", "must not be before from")
    args = _query_args(trade, start, end, zip_code)
    filtered = "FilterExpression" in args
    found: list[dict[str, Any]] = []
    after = decode_cursor(cursor, trade) if cursor else None
    bounds = {k: v["S"] for k, v in args["ExpressionAttributeValues"].items()}
    if ":hi" in bounds and bounds[":hi"] < bounds[":lo"]:
        return {"items": [], "next": None}  # ``to`` is in the past: DynamoDB refuses BETWEEN with lo > hi
    if after and after["gsi1sk"] < bounds[":lo"]:
        after = None  # what lay before the cursor has started meanwhile: DynamoDB refuses a key out of range
    if after and ":hi" in bounds and after["gsi1sk"] > bounds[":hi"]:
        return {"items": [], "next": None}
    read = 0
    while read < MAX_READ:
        page_args = dict(args, Limit=min(FILTERED_PAGE if filtered else limit + 1, MAX_READ - read))
        if after:
            page_args["ExclusiveStartKey"] = db.to_ddb(after)
        items, after = db.query(**page_args)
        read += page_args["Limit"]  # what DynamoDB may read (Limit counts items read, before the filter)
        found.extend(items)
        if len(found) > limit:
            page = found[:limit]
            return {"items": [public_view(i) for i in page], "next": encode_cursor(page[-1])}
        if not after:
            break
    return {"items": [public_view(i) for i in found], "next": encode_cursor(after) if after else None}
