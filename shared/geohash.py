"""Geohash cells for the near-me search: encode a point, cover a circle with cells, measure distances.

Hand-written (about 50 lines) rather than a package: the runtime layer then needs no new dependency, and we
need only encoding and the cell size of each precision, not neighbours or decoding.

A geohash of precision p is a rectangle: 5p bits alternate longitude and latitude halvings, so a cell spans
360 / 2**ceil(5p/2) degrees of longitude and 180 / 2**floor(5p/2) of latitude (p=3: 1.41 x 1.41 degrees, about
156 x 156 km at the equator; p=4: 0.35 x 0.18; p=5: 0.044 x 0.044).
"""

from __future__ import annotations

import math

BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
EARTH_RADIUS_KM = 6371.0088


def encode(lat: float, lon: float, precision: int) -> str:
    lat_lo, lat_hi, lon_lo, lon_hi = -90.0, 90.0, -180.0, 180.0
    chars, bits, value, even = [], 0, 0, True
    while len(chars) < precision:
        if even:
            mid = (lon_lo + lon_hi) / 2
            value, lon_lo, lon_hi = (value * 2 + 1, mid, lon_hi) if lon >= mid else (value * 2, lon_lo, mid)
        else:
            mid = (lat_lo + lat_hi) / 2
            value, lat_lo, lat_hi = (value * 2 + 1, mid, lat_hi) if lat >= mid else (value * 2, lat_lo, mid)
        even, bits = not even, bits + 1
        if bits == 5:
            chars.append(BASE32[value])
            bits, value = 0, 0
    return "".join(chars)


def cell_size(precision: int) -> tuple[float, float]:
    """(degrees of latitude, degrees of longitude) one cell of this precision spans."""
    bits = 5 * precision
    return 180.0 / 2 ** (bits // 2), 360.0 / 2 ** ((bits + 1) // 2)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def cover(lat: float, lon: float, radius_km: float, precision: int) -> set[str]:
    """Every cell of ``precision`` that the circle's bounding box touches (a superset of the circle)."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 0.01)))
    south, north = max(lat - dlat, -89.999999), min(lat + dlat, 89.999999)
    step_lat, step_lon = cell_size(precision)
    cells: set[str] = set()
    row = south
    while True:
        col = lon - dlon
        while True:
            cells.add(encode(row, (col + 180.0) % 360.0 - 180.0, precision))
            if col >= lon + dlon:
                break
            col = min(col + step_lon, lon + dlon)
        if row >= north:
            break
        row = min(row + step_lat, north)
    return cells
