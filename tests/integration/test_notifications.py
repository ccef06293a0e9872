"""notification_controller leedSold and GET /users/me/notifications: once per leed, newest first, paginated."""

import base64
import json
from pathlib import Path

import pytest

from controllers import notification_controller
from handlers import list_notifications, update_profile
from shared import db
from tests.apigw import call
from tests.integration.controller_helpers import bought, posted

EVENT = Path(__file__).parents[2] / "events" / "notification_controller" / "leedSold.json"
ROUTE = "/users/me/notifications"


def inbox(context, user, **query):
    return call(list_notifications, "GET", ROUTE, context, user=user, query={k: str(v) for k, v in query.items()})


def sell(context, invocations, *, title="Wedding DJ, 120 guests", day=10, buyer="bob", price=2_500):
    leed_id = posted(context, title=title, price_cents=price, location={"address": f"{day} Oak Ave", "zip": "10001"})
    bought(context, leed_id, user=buyer)
    [event] = [e for e in invocations.events("leedSold") if e["leed_id"] == leed_id]
    notification_controller.handler(event, context)
    return leed_id


def test_seller_and_buyer_each_get_one_notification(invocations, lambda_context):
    call(update_profile, "PUT", "/users/me", lambda_context, body={"name": "Bob Baker"}, user="bob")
    leed_id = sell(lambda_context, invocations, price=4_250)
    sold_at = db.get(db.leed_key(leed_id))["sold_at"]

    [seller_note] = inbox(lambda_context, "sally").body["items"]
    [buyer_note] = inbox(lambda_context, "bob").body["items"]

    assert seller_note["type"] == "leed_sold" and buyer_note["type"] == "leed_bought"
    assert seller_note["message"] == "Your leed “Wedding DJ, 120 guests” was bought by Bob Baker for $42.50."
    assert buyer_note["message"] == "You bought “Wedding DJ, 120 guests” from sally for $42.50."
    for note in (seller_note, buyer_note):
        assert set(note) == {"id", "type", "leed_id", "message", "created_at"}
        assert (note["leed_id"], note["created_at"]) == (leed_id, sold_at)
    assert seller_note["id"] != buyer_note["id"]
    assert inbox(lambda_context, "carol").body == {"items": [], "next": None}


def test_a_repeated_event_creates_nothing_more(invocations, lambda_context, metrics_emitted):
    leed_id = sell(lambda_context, invocations)
    assert metrics_emitted()["InAppNotifications"] == 2

    for correlation_id in ("retry", "sweeper"):
        result = notification_controller.handler(
            {"function": "leedSold", "correlation_id": correlation_id, "leed_id": leed_id}, lambda_context)
        assert result["applied"] is False

    assert len(inbox(lambda_context, "sally").body["items"]) == 1
    assert len(inbox(lambda_context, "bob").body["items"]) == 1
    assert metrics_emitted()["InAppNotifications"] == 0


def test_newest_first_and_paginated(invocations, lambda_context):
    titles = ["First gig", "Second gig", "Third gig"]
    for day, title in enumerate(titles, start=10):
        sell(lambda_context, invocations, title=title, day=day)

    everything = inbox(lambda_context, "bob").body
    assert [n["message"].split("“")[1].split("”")[0] for n in everything["items"]] == titles[::-1]
    assert everything["next"] is None

    pages, cursor = [], None
    while True:
        body = inbox(lambda_context, "bob", limit=2, **({"cursor": cursor} if cursor else {})).body
        pages.append([n["id"] for n in body["items"]])
        cursor = body["next"]
        if not cursor:
            break
    assert [i for page in pages for i in page] == [n["id"] for n in everything["items"]]
    assert len(pages[0]) == 2


FORGED = base64.urlsafe_b64encode(json.dumps({"sk": "NOTE#" + "x" * 1100}).encode()).decode()  # over 1 KiB


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"cursor": "not-a-cursor"},
                                   {"cursor": "eyJzayI6IlNVQiNkaiJ9"},  # a valid key, but not a NOTE#
                                   {"cursor": FORGED}])
def test_bad_paging_is_422(aws, lambda_context, query):
    reply = inbox(lambda_context, "bob", **query)
    assert reply.status == 422
    assert reply.body["error"] == "validation_error"


def test_without_claims_it_is_401(aws, lambda_context):
    reply = call(list_notifications, "GET", ROUTE, lambda_context)
    assert reply.status == 401


def test_a_leed_that_is_not_sold_raises(invocations, lambda_context):
    leed_id = posted(lambda_context)
    with pytest.raises(LookupError):
        notification_controller.handler({"function": "leedSold", "correlation_id": "c", "leed_id": leed_id},
                                        lambda_context)
    assert inbox(lambda_context, "sally").body["items"] == []


def test_an_unknown_function_raises(aws, lambda_context):
    with pytest.raises(ValueError, match="leedBought"):
        notification_controller.handler({"function": "leedBought", "correlation_id": "c", "leed_id": "0" * 32},
                                        lambda_context)


def test_the_console_event_runs_against_a_sold_leed(invocations, lambda_context):
    event = json.loads(EVENT.read_text())
    assert event["function"] == "leedSold" and event["correlation_id"]
    leed_id = posted(lambda_context)
    bought(lambda_context, leed_id)
    assert notification_controller.handler({**event, "leed_id": leed_id}, lambda_context)["applied"] is True
