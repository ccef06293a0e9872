"""Amazon Location Service Places v2 ``Geocode``, answered offline in its real response shape.

US addresses are parsed and normalised to USPS Publication 28 style by ``usaddress-scourgify`` and placed at
their ZIP's centroid from the ``zipcodes`` package's bundled data (both local-only dependencies: the functions
in AWS call Location Service itself). No network call, ever. What AWS would answer and we reproduce:
- an address that parses, in a known ZIP: one ``InterpolatedAddress`` result (we know the ZIP's centre, not the
  house: AWS's interpolated addresses are estimates too), ``Address.Label`` like
  ``12 Main St, Beverly Hills, CA 90210, United States``;
- text that does not parse (or is not ASCII, as USPS addresses are), in a known ZIP: the ``PostalCode``
  match, which ``shared.places`` refuses as a place;
- a ``QueryComponents.PostalCode`` query: the ``PostalCode`` result at the centroid; an unknown ZIP: no result.

``install`` puts it in front of moto twice: in the server (the local stack's functions reach it through
``AWS_ENDPOINT_URL``) and in the in-process stubber (the moto tests). ``set_down(True)`` makes it answer
``InternalServerException`` (HTTP 500), as an outage would: the local stack's ``LEEDZ_GEOCODER_DOWN``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

DIRECTIONALS = {"N", "S", "E", "W", "NE", "NW", "SE", "SW"}
_TRAILING_ZIP = re.compile(r"[,\s]+[0-9]{5}(-[0-9]{4})?\s*$")
_state = {"down": False}


def set_down(down: bool) -> None:
    _state["down"] = down


def _zip_record(zip_code: str) -> dict[str, Any] | None:
    import zipcodes

    try:
        found = zipcodes.matching(zip_code[:5])
    except (TypeError, ValueError):
        return None
    return found[0] if found else None


def _words(text: str) -> str:
    """USPS capitals as AWS writes them: ``12 MAIN ST`` -> ``12 Main St``, directionals kept (``NW``)."""
    return " ".join(w if w in DIRECTIONALS else (w.capitalize() if w.isalpha() else w.lower())
                    for w in text.split())


def _address(zip_rec: dict[str, Any]) -> dict[str, Any]:
    return {"Country": {"Code2": "US", "Code3": "USA", "Name": "United States"},
            "Region": {"Code": zip_rec["state"], "Name": zip_rec["state"]},
            "Locality": zip_rec["city"], "PostalCode": zip_rec["zip_code"]}


def _item(place_type: str, title: str, address: dict[str, Any], zip_rec: dict[str, Any]) -> dict[str, Any]:
    lon, lat = float(zip_rec["long"]), float(zip_rec["lat"])
    return {
        "PlaceId": "local-" + hashlib.sha256(title.encode()).hexdigest()[:32],
        "PlaceType": place_type, "Title": title, "Address": {"Label": title, **address},
        "Position": [lon, lat], "MapView": [lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01],
        "MatchScores": {"Overall": 1.0 if place_type == "PostalCode" else 0.9},
    }


def _postal_item(zip_rec: dict[str, Any]) -> dict[str, Any]:
    title = f"{zip_rec['zip_code']}, {zip_rec['city']}, {zip_rec['state']}, United States"
    return _item("PostalCode", title, _address(zip_rec), zip_rec)


def geocode(request: dict[str, Any]) -> dict[str, Any]:
    """The ``Geocode`` response for a request body."""
    from scourgify import normalize_address_record
    from scourgify.exceptions import AddressNormalizationError, AddressValidationError

    components = request.get("QueryComponents") or {}
    text = request.get("QueryText") or ""
    zip_match = re.search(r"[0-9]{5}(?:-[0-9]{4})?\s*$", text)
    zip_code = components.get("PostalCode") or (zip_match.group(0).strip() if zip_match else "")
    zip_rec = _zip_record(zip_code) if zip_code else None
    if zip_rec is None:
        return {"PricingBucket": "Core", "ResultItems": []}
    line = _TRAILING_ZIP.sub("", text).strip(" ,")
    if not line or not line.isascii():  # USPS addresses are ASCII; scourgify would drop the other letters
        return {"PricingBucket": "Core", "ResultItems": [_postal_item(zip_rec)]}
    try:
        record = normalize_address_record({"address_line_1": line, "city": zip_rec["city"],
                                           "state": zip_rec["state"], "postal_code": zip_rec["zip_code"]})
    except (AddressNormalizationError, AddressValidationError, ValueError, KeyError, TypeError):
        return {"PricingBucket": "Core", "ResultItems": [_postal_item(zip_rec)]}
    street = _words(" ".join(filter(None, (record.get("address_line_1"), record.get("address_line_2")))))
    title = f"{street}, {zip_rec['city']}, {zip_rec['state']} {zip_rec['zip_code']}, United States"
    item = _item("InterpolatedAddress", title, {**_address(zip_rec), "Street": street}, zip_rec)
    return {"PricingBucket": "Core", "ResultItems": [item]}


def answer(body: bytes | str | None) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) as the service answers a ``POST /v2/geocode``."""
    headers = {"Content-Type": "application/json"}
    if _state["down"]:
        return 500, {**headers, "x-amzn-ErrorType": "InternalServerException"}, json.dumps(
            {"message": "Request processing has failed due to an internal error."})
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return 400, {**headers, "x-amzn-ErrorType": "ValidationException"}, json.dumps({"message": "bad JSON"})
    return 200, headers, json.dumps(geocode(request))


def _is_geocode(url: str, auth: str) -> bool:
    return url.rstrip("/").endswith("/v2/geocode") and ("/geo-places/" in auth or "places.geo." in url)


def install() -> None:
    from moto.core.botocore_stubber import BotocoreStubber
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(BotocoreStubber.process_request, "_leedz_places", False):
        return
    in_process = BotocoreStubber.process_request

    def stubbed(self: Any, request: Any) -> Any:
        if _is_geocode(request.url.split("?")[0], str(request.headers.get("Authorization", ""))):
            return answer(request.body)
        return in_process(self, request)

    served = DomainDispatcherApplication.__call__

    def dispatch(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        if _is_geocode(environ.get("PATH_INFO", ""), environ.get("HTTP_AUTHORIZATION", "")):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            status, headers, body = answer(environ["wsgi.input"].read(length))
            start_response(f"{status} {'OK' if status == 200 else 'Error'}", list(headers.items()))
            return [body.encode()]
        return served(self, environ, start_response)

    stubbed._leedz_places = True  # type: ignore[attr-defined]
    BotocoreStubber.process_request = stubbed
    DomainDispatcherApplication.__call__ = dispatch
