"""Booking slots: one trade can be booked once per calendar date at one place.

A leed that is for sale or sold holds its slot (an item keyed by ``db.booking_key(slot)``), created with
``attribute_not_exists`` in the same transaction as the leed, so two posts racing for a slot cannot both win.
Withdrawing a leed deletes its slot.

Normalisation (contract: "case, spacing and punctuation ignored"):
- place: the address geocoded by Amazon Location Service (``shared.places``), so two spellings of one address
  are one place; where geocoding finds nothing or fails, the normalised address text below.
- address: Unicode NFKC, case-folded, every character that is not a letter, a digit or a combining mark
  dropped, so ``"12 Main St."`` and ``"12  main st"`` are one place (marks are kept: in Devanagari and other
  scripts a vowel sign is what tells two street names apart). Abbreviations (St/Street) are not expanded: the
  contract does not ask for it and a wrong expansion would create false conflicts. In the key the normalised
  address is a SHA-256 digest: NFKC can grow a 200-character address past DynamoDB's 2,048-byte key limit.
- zip: the 5-digit ZIP only. ZIP+4 is a finer delivery segment inside the same ZIP; one poster writing
  ``12345-6789`` and another ``12345`` for the same address must still collide, and two different addresses
  in one ZIP already differ by their address.
- date: the calendar date of ``start`` in its own UTC offset (where the gig happens), not the UTC date.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

KEPT_CATEGORIES = ("L", "N", "M")  # letters, numbers, combining marks; not punctuation, symbols, spaces


def normalise_address(address: str) -> str:
    folded = unicodedata.normalize("NFKC", address).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch).startswith(KEPT_CATEGORIES))


def zip5(zip_code: str) -> str:
    return zip_code.strip()[:5]


def slot(trade: str, start: datetime, place_key: str, zip_code: str) -> str:
    """The slot id, e.g. ``dj#2026-12-31#12345#<place key>``: the key of the geocoded place, or of the
    address's normalised text where geocoding found nothing (``shared.places``)."""
    return f"{trade}#{start.date().isoformat()}#{zip5(zip_code)}#{place_key}"
