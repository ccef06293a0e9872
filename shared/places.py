"""Places: an address geocoded through Amazon Location Service, or, where that finds nothing or fails, the
normalised text of the address (contract: "where geocoding finds nothing, the normalised address and zip stand
for it"). A post never fails because the geocoder is down; each fallback is counted (metric
``GeocodeFallback``, dimension-free so one alarm or graph covers it).

Why the Places API v2 ``Geocode`` (``geo-places``) and not v1 ``SearchPlaceIndexForText``: v2 needs no
``AWS::Location::PlaceIndex`` resource (one less thing to deploy, name and grant), it is the API AWS documents
as current (v1's guide is under "previous"), and it answers a structured address with its ``PlaceType``, so
we can tell a matched street address from a match on the ZIP or city alone (which must not become a place:
every unknown street in one ZIP would then book as one place).

The place key is a digest of the geocoder's normalised ``Address.Label`` (not its ``PlaceId``, which AWS does
not promise to keep across data updates), so "12 Main Street" and "12 main st." are one booking.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from shared import booking, clients, db
from shared.observability import logger, metrics

# Matches that name one address; ``Street``, ``PostalCode``, ``Locality`` and the like name an area.
ADDRESS_TYPES = {"PointAddress", "InterpolatedAddress"}
COUNTRY = "USA"


@dataclass(frozen=True)
class Place:
    key: str  # what the booking slot is keyed by
    label: str | None = None  # the geocoder's normalised label; None where the text rule stands
    lat: float | None = None
    lon: float | None = None


def text_place(address: str) -> Place:
    """The fallback: the address's normalised text (``shared.booking.normalise_address``)."""
    return Place(key=hashlib.sha256(booking.normalise_address(address).encode()).hexdigest())


def _geocode(**request: Any) -> dict[str, Any] | None:
    """The best result, or None; raises on a service failure (the caller decides what that means)."""
    resp = clients.client("geo-places").geocode(MaxResults=1, **request)
    items = resp.get("ResultItems") or []
    return items[0] if items else None


def _fallback(reason: str) -> None:
    metrics.add_metric(name="GeocodeFallback", unit=MetricUnit.Count, value=1)
    logger.info("geocoding fell back to the address text", extra={"reason": reason})


def from_result(found: dict[str, Any] | None) -> Place | None:
    """The place a ``Geocode`` result names, or None when it names no single address."""
    label = ((found or {}).get("Address") or {}).get("Label")
    position = (found or {}).get("Position") or []
    if not found or found.get("PlaceType") not in ADDRESS_TYPES or not label or len(position) != 2:
        return None
    digest = hashlib.sha256(("geo:" + booking.normalise_address(label)).encode()).hexdigest()
    return Place(key=digest, label=label, lon=float(position[0]), lat=float(position[1]))


def query_text(address: str, zip_code: str) -> str:
    return f"{address}, {booking.zip5(zip_code)}"


def locate(address: str, zip_code: str) -> Place:
    """The place of a leed's address: geocoded, else its normalised text."""
    try:
        found = _geocode(QueryText=query_text(address, zip_code), Filter={"IncludeCountries": [COUNTRY]})
    except (ClientError, BotoCoreError) as exc:  # down, throttled, not permitted: the text rule stands
        _fallback(type(exc).__name__)
        return text_place(address)
    place = from_result(found)
    if place is None:
        _fallback("no address match")
        return text_place(address)
    return place


def zip_point(zip_code: str) -> tuple[float, float] | None:
    """(lat, lon) of a ZIP's centre, or None if it is not a ZIP. Cached in the table (a ZIP does not move), so
    a search costs one Location call per ZIP ever, and still works for known ZIPs while Location is down."""
    key = {"pk": f"ZIPPOINT#{booking.zip5(zip_code)}", "sk": "ZIPPOINT"}
    cached = db.get(key)
    if cached:
        return (float(cached["lat"]), float(cached["lon"])) if cached.get("found") else None
    found = _geocode(QueryComponents={"PostalCode": booking.zip5(zip_code), "Country": COUNTRY})
    position = (found or {}).get("Position") or []
    point = (float(position[1]), float(position[0])) if len(position) == 2 else None
    item = {**key, "found": point is not None}
    if point:
        item.update(lat=str(point[0]), lon=str(point[1]))
    db.put(item)
    return (float(item["lat"]), float(item["lon"])) if point else None
