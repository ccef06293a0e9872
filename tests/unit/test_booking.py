"""The booking-slot and body rules, without AWS."""

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from shared import booking, places
from shared.leed_models import NewLeed, full_view, public_view, view_for
from shared.leeds import for_sale_sort_key

Y = datetime.now(UTC).year + 1  # a year that is always ahead and within the 5-year limit

EST = timezone(timedelta(hours=-5))


def test_address_ignores_case_spacing_and_punctuation():
    assert booking.normalise_address("12 Main St.") == booking.normalise_address("  12  MAIN st ")
    assert booking.normalise_address("Apt #4, 5th Ave") == "apt45thave"
    assert booking.normalise_address("12 Main St") != booking.normalise_address("14 Main St")


def test_zip_plus_four_books_the_same_zip():
    assert booking.zip5("10001-1234") == booking.zip5("10001") == "10001"


def test_slot_uses_the_calendar_date_in_the_leeds_own_offset():
    late_evening = datetime(2030, 6, 1, 23, 0, tzinfo=EST)  # already 2 June in UTC
    place = hashlib.sha256(b"12mainst").hexdigest()
    key = places.text_place("12 Main St.").key
    assert key == place
    assert booking.slot("dj", late_evening, key, "10001-1234") == f"dj#2030-06-01#10001#{place}"


def test_vowel_signs_tell_addresses_apart():
    # Devanagari: "किला" and "कला" differ only by a combining vowel sign.
    assert booking.normalise_address("12 किला रोड") != booking.normalise_address("12 कला रोड")
    assert booking.normalise_address("12, किला रोड!") == booking.normalise_address("12 किला  रोड")


def test_the_slot_key_stays_small_whatever_the_address():
    # NFKC turns U+FDFA into 18 characters: 200 of them would be a 3,600-character key (DynamoDB: 2,048 bytes).
    key = places.text_place("\ufdfa" * 200).key
    assert len(booking.slot("dj", datetime(2030, 6, 1, tzinfo=UTC), key, "10001").encode()) < 120


def test_sort_key_orders_by_instant_whatever_the_offset():
    a = for_sale_sort_key(datetime(2030, 6, 1, 20, 0, tzinfo=EST), "a")  # 01:00 UTC on 2 June
    b = for_sale_sort_key(datetime(2030, 6, 2, 0, 30, tzinfo=UTC), "b")
    assert b < a


def _body(**overrides):
    start = datetime.now(UTC) + timedelta(days=3)
    end = start + timedelta(hours=2)
    body = {"trade": "dj", "title": "Party", "start": start.isoformat(), "end": end.isoformat(),
            "location": {"address": "1 A St", "zip": "10001"}, "price_cents": 100}
    body.update(overrides)
    return body


def test_a_valid_body_keeps_its_offset():
    leed = NewLeed.model_validate(_body(start=f"{Y}-01-01T10:00:00-08:00", end=f"{Y}-01-01T12:00:00-08:00"))
    assert leed.start.isoformat() == f"{Y}-01-01T10:00:00-08:00"
    assert leed.details == ""


@pytest.mark.parametrize("overrides", [
    {"trade": "plumbing"},
    {"title": ""},
    {"title": "   "},
    {"title": "x" * 121},
    {"start": f"{Y}-01-01T10:00:00", "end": f"{Y}-01-01T12:00:00"},  # naive
    {"start": 4102444800},  # a Unix time is not ISO 8601
    {"start": "2001-01-01T10:00:00Z", "end": "2001-01-01T12:00:00Z"},  # past
    {"start": f"{Y}-01-01T10:00:00Z", "end": f"{Y}-01-01T10:00:00Z"},  # end not after start
    {"start": f"{Y}-01-01T10:00:00Z", "end": f"{Y}-01-02T10:00:01Z"},  # over 24 h
    {"start": f"{Y + 5}-06-01T10:00:00Z", "end": f"{Y + 5}-06-01T12:00:00Z"},  # over 5 years ahead
    {"start": "9999-12-31T20:00:00-12:00", "end": "9999-12-31T21:00:00-12:00"},  # past the calendar in UTC
    {"price_cents": True},
    {"price_cents": 10.5},
    {"price_cents": "100"},
    {"price_cents": -1},
    {"price_cents": 1_000_001},
    {"details": "x" * 2001},
    {"location": {"address": "1 A St", "zip": "1000"}},
    {"location": {"address": "1 A St", "zip": "10001-12"}},
    {"location": {"address": "", "zip": "10001"}},
    {"location": {"address": "x" * 201, "zip": "10001"}},
    {"location": {"address": "1 A St", "zip": "10001", "city": "NYC"}},
    {"seller": "mallory"},
])
def test_invalid_bodies_are_refused(overrides):
    with pytest.raises(ValidationError):
        NewLeed.model_validate(_body(**overrides))


def test_limits_are_inclusive():
    NewLeed.model_validate(_body(title="x" * 120, price_cents=1_000_000, details="x" * 2000,
                                 start=f"{Y}-01-01T10:00:00Z", end=f"{Y}-01-02T10:00:00Z",
                                 location={"address": "x" * 200, "zip": "10001-1234"}))


def test_public_view_hides_the_private_fields():
    item = {"id": "1", "trade": "dj", "title": "t", "start": "s", "end": "e", "zip": "10001", "price_cents": 1,
            "seller": "sally", "status": "sold", "created_at": "c", "address": "1 A St", "details": "secret",
            "buyer": "bob", "pk": "LEED#1", "slot": "x"}
    assert set(public_view(item)) == {"id", "trade", "title", "start", "end", "zip", "price_cents", "seller",
                                      "status", "created_at"}
    assert full_view(item)["location"] == {"address": "1 A St", "zip": "10001"}
    assert view_for(item, "bob")["details"] == "secret"
    assert view_for(item, "sally")["buyer"] == "bob"
    assert "details" not in view_for(item, "eve")
