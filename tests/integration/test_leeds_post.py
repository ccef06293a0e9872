"""POST /leeds: validation, the item and its booking slot, one transaction, events via the outbox."""

from datetime import UTC, datetime, timedelta

import pytest

from handlers import add_leed, delete_leed
from shared import db, outbox
from tests.apigw import call
from tests.integration.leed_factory import SELLER, body, future, leed_item, post, table_without_profiles

Y = datetime.now(UTC).year + 1  # a year that is always ahead and within the 5-year limit


def outbox_items():
    return [i for i in table_without_profiles() if i["pk"].startswith("OUTBOX#")]


def test_posting_stores_the_leed_books_the_slot_and_fires_events(invocations, lambda_context):
    reply = post(lambda_context)

    assert reply.status == 201
    leed_id = reply.body["id"]
    assert reply.headers["Location"] == f"/leeds/{leed_id}"
    assert reply.body["status"] == "for_sale"
    assert reply.body["seller"] == SELLER
    assert reply.body["location"] == {"address": "12 Main St.", "zip": "10001"}
    assert reply.body["details"].startswith("Call Pat")
    assert reply.body["buyer"] is None
    assert reply.body["start"].endswith("-05:00")  # the poster's offset is kept

    item = leed_item(leed_id)
    assert item["gsi1pk"] == "FORSALE#dj"
    assert item["gsi1sk"].endswith(f"Z#{leed_id}")
    slot = db.get(db.booking_key(item["slot"]))
    assert slot["leed_id"] == leed_id
    assert sorted((e["function"], e["leed_id"]) for e in invocations.events()) == [  # fired at once: any order
        ("notifyUsers", leed_id), ("recordPost", leed_id)]
    assert len({e["correlation_id"] for e in invocations.events()}) == 1
    assert outbox_items() == []  # delivered, so cleared


def test_a_failed_invoke_still_answers_201_and_leaves_the_outbox_for_the_sweeper(invocations, lambda_context):
    invocations.fail = True

    reply = post(lambda_context)

    assert reply.status == 201
    [entry] = outbox_items()
    assert [e["function"] for e in entry["events"]] == ["notifyUsers", "recordPost"]
    assert {e["leed_id"] for e in entry["events"]} == {reply.body["id"]}

    invocations.fail = False
    assert outbox.sweep(now=datetime.now(UTC) + timedelta(minutes=5)) == 1
    assert sorted(e["function"] for e in invocations.events()) == ["notifyUsers", "recordPost"]
    assert outbox_items() == []


@pytest.mark.parametrize("overrides", [
    {"trade": "plumbing"},
    {"title": ""},
    {"title": "x" * 121},
    {"start": f"{Y}-01-01T10:00:00", "end": f"{Y}-01-01T12:00:00"},
    {"start": "2001-01-01T10:00:00Z", "end": "2001-01-01T12:00:00Z"},
    {"start": "9999-12-31T20:00:00-12:00", "end": "9999-12-31T21:00:00-12:00"},  # overflowed in UTC: was a 500
    {"start": f"{Y}-01-01T10:00:00Z", "end": f"{Y}-01-01T09:00:00Z"},
    {"start": f"{Y}-01-01T10:00:00Z", "end": f"{Y}-01-03T10:00:00Z"},
    {"price_cents": True},
    {"price_cents": 99.5},
    {"price_cents": 1_000_001},
    {"location": {"address": "12 Main St.", "zip": "ABCDE"}},
    {"details": "x" * 2001},
    {"seller": "mallory"},
])
def test_invalid_bodies_are_422_and_write_nothing(invocations, lambda_context, overrides):
    reply = post(lambda_context, **overrides)

    assert reply.status == 422
    assert reply.body["error"] == "validation_error"
    assert reply.body["details"]
    assert table_without_profiles() == []
    assert invocations.calls == []


def test_missing_fields_are_named(invocations, lambda_context):
    reply = call(add_leed, "POST", "/leeds", lambda_context, body={"trade": "dj"}, user=SELLER)
    assert reply.status == 422
    fields = {d["field"] for d in reply.body["details"]}
    assert {"title", "start", "end", "location", "price_cents"} <= fields


@pytest.mark.parametrize("raw", ["{not json", "", "[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_400_or_422(invocations, lambda_context, raw):
    reply = call(add_leed, "POST", "/leeds", lambda_context, raw_body=raw, user=SELLER)
    assert reply.status == (422 if raw == "[1, 2]" else 400)
    assert table_without_profiles() == []


def test_without_identity_it_is_401(invocations, lambda_context):
    reply = call(add_leed, "POST", "/leeds", lambda_context, body=body())
    assert reply.status == 401
    assert table_without_profiles() == []


def test_same_trade_date_and_normalised_place_is_a_booking_conflict(invocations, lambda_context):
    start = future(days=20, hour=10)
    assert post(lambda_context, start_at=start).status == 201
    before = table_without_profiles()
    invocations.calls.clear()

    later_same_day = start + timedelta(hours=9)
    reply = post(lambda_context, user="other", start_at=later_same_day,
                 location={"address": "12  MAIN st", "zip": "10001-4321"})

    assert reply.status == 409
    assert reply.body["error"] == "conflict"
    assert "booking conflict" in reply.body["message"]
    assert table_without_profiles() == before  # no leed, no slot, no outbox entry
    assert invocations.calls == []


def test_an_address_that_grows_under_normalisation_still_books_its_slot(invocations, lambda_context):
    # NFKC makes U+FDFA 18 characters; in a key that would pass DynamoDB's 2,048-byte limit (a 500 before).
    address = {"address": "\ufdfa" * 200, "zip": "10001"}
    assert post(lambda_context, location=address).status == 201
    assert post(lambda_context, user="other", location=address).status == 409


def test_street_names_that_differ_by_a_vowel_sign_are_two_places(invocations, lambda_context):
    assert post(lambda_context, location={"address": "12 \u0915\u093f\u0932\u093e \u0930\u094b\u0921",
                                          "zip": "10001"}).status == 201  # 12 किला रोड
    assert post(lambda_context, user="other", location={"address": "12 \u0915\u0932\u093e \u0930\u094b\u0921",
                                                        "zip": "10001"}).status == 201  # 12 कला रोड


@pytest.mark.parametrize("change", [
    {"trade": "magician"},
    {"location": {"address": "14 Main St.", "zip": "10001"}},
    {"location": {"address": "12 Main St.", "zip": "10002"}},
    {"start_at": future(days=21, hour=10)},
])
def test_another_trade_place_or_date_is_no_conflict(invocations, lambda_context, change):
    assert post(lambda_context, start_at=future(days=20, hour=10)).status == 201
    assert post(lambda_context, **{"start_at": future(days=20, hour=10), **change}).status == 201


def test_the_date_is_the_local_date_not_the_utc_date(invocations, lambda_context):
    evening = future(days=20, hour=22)  # 03:00 UTC the next day
    assert post(lambda_context, start_at=evening).status == 201
    next_morning = future(days=21, hour=1)  # 06:00 UTC, the same UTC date as the first, another local date
    assert post(lambda_context, start_at=next_morning).status == 201


def test_withdrawing_frees_the_slot(invocations, lambda_context):
    first = post(lambda_context)
    assert post(lambda_context, user="other").status == 409

    gone = call(delete_leed, "DELETE", "/leeds/{id}", lambda_context, path_params={"id": first.body["id"]},
                user=SELLER)
    assert gone.status == 204

    assert post(lambda_context, user="other").status == 201
