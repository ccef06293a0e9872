"""Leeds near a place: ``GET /leeds?trade=T&near=ZIP&radius_km=R`` on a spatial index, never a scan.

A leed for sale whose address was geocoded carries ``gsi2pk = NEAR#{trade}#{geohash of 3}`` and
``gsi2sk = {geohash of 9}#{id}`` (index ``gsi2``, sparse: selling, withdrawing or hiding REMOVEs them with
``gsi1``'s). A search covers the circle with the finest geohash cells that take at most ``MAX_CELLS`` queries
(precision 6 down to 3), queries each cell (``begins_with`` on the sort key inside its 3-character partition),
then keeps what lies within the radius (haversine) and sorts by start. Items read are those of the covering
cells: a few times the answer, whatever the trade holds elsewhere (bench/near_me.py measures it).

A leed whose address could not be geocoded has no point, so it is not found near anything (it is still listed
by trade, date and ZIP).
"""

from __future__ import annotations

import binascii
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared import base64url, db, geohash, places
from shared.booking import zip5
from shared.errors import ValidationFailed
from shared.leed_models import public_view

GSI2 = "gsi2"
PARTITION_PRECISION = 3
POINT_PRECISION = 9
MAX_CELLS = 24
PRECISIONS = (6, 5, 4, 3)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("The request is not valid.", [{"field": field, "message": message}])


def place_fields(trade: str, leed_id: str, place: places.Place) -> dict[str, Any]:
    """What a leed item keeps of its place: the label and point, and its near-index keys while for sale."""
    if place.lat is None or place.lon is None:
        return {}
    cell = geohash.encode(place.lat, place.lon, POINT_PRECISION)
    return {"place_label": place.label, "lat": Decimal(str(place.lat)), "lon": Decimal(str(place.lon)),
            "gsi2pk": f"NEAR#{trade}#{cell[:PARTITION_PRECISION]}", "gsi2sk": f"{cell}#{leed_id}"}


def covering_cells(lat: float, lon: float, radius_km: float) -> set[str]:
    """The finest cover that needs at most MAX_CELLS queries (precision 3 whatever it takes)."""
    for precision in PRECISIONS:
        cells = geohash.cover(lat, lon, radius_km, precision)
        if len(cells) <= MAX_CELLS or precision == PRECISIONS[-1]:
            return cells
    raise AssertionError("unreachable")


def _cell_items(trade: str, cell: str) -> list[dict[str, Any]]:
    key = "gsi2pk = :pk"
    vals: dict[str, Any] = {"pk": f"NEAR#{trade}#{cell[:PARTITION_PRECISION]}"}
    if len(cell) > PARTITION_PRECISION:
        key += " AND begins_with(gsi2sk, :cell)"
        vals["cell"] = cell
    return list(db.query_all(IndexName=GSI2, KeyConditionExpression=key, ExpressionAttributeValues=db.values(**vals)))


def _after(cursor: str | None) -> str:
    """A near-me cursor is the sort key (``{start UTC}#{id}``) of the last leed of the previous page."""
    if cursor is None:
        return ""
    from shared.leed_search import CURSOR_SORT_KEY  # one definition of what a sort key looks like

    try:
        key = base64url.decode(cursor).decode()
    except (binascii.Error, ValueError) as exc:
        raise _invalid("cursor", "not a cursor this API issued") from exc
    if not CURSOR_SORT_KEY.fullmatch(key):
        raise _invalid("cursor", "not a cursor this API issued")
    return key


def _wanted(item: dict[str, Any], lowest: str, from_: date | None, to: date | None, zip_code: str | None) -> bool:
    local_date = item["start"][:10]
    return (item["gsi1sk"] > lowest
            and (from_ is None or local_date >= from_.isoformat())
            and (to is None or local_date <= to.isoformat())
            and (zip_code is None or item["zip"].startswith(zip5(zip_code))))


def matching(trade: str, lat: float, lon: float, radius_km: float, keep: Any = lambda item: True
             ) -> list[dict[str, Any]]:
    """Every leed item for sale of ``trade`` within the radius that ``keep`` keeps, by start."""
    found = [item for cell in covering_cells(lat, lon, radius_km) for item in _cell_items(trade, cell)
             if geohash.distance_km(lat, lon, float(item["lat"]), float(item["lon"])) <= radius_km and keep(item)]
    return sorted(found, key=lambda item: item["gsi1sk"])


def near(trade: str, near_zip: str, radius_km: float, *, from_: date | None = None, to: date | None = None,
         zip_code: str | None = None, limit: int = 25, cursor: str | None = None) -> dict[str, Any]:
    point = places.zip_point(near_zip)
    if point is None:
        raise _invalid("near", "not a known ZIP code")
    lowest = max(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"), _after(cursor))
    found = matching(trade, *point, radius_km, lambda item: _wanted(item, lowest, from_, to, zip_code))
    page = found[:limit]
    return {"items": [public_view(i) for i in page],
            "next": base64url.encode(page[-1]["gsi1sk"].encode()) if len(found) > limit else None}
