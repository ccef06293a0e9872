"""PATCH /leeds/{id}: the seller's corrections, the booking rule checked again in the same transaction."""

from handlers import buy_leed, delete_leed, edit_leed
from shared import db
from tests.apigw import call
from tests.integration.leed_factory import all_items, future, leed_item, post


def edit(context, leed_id, user="sally", **changes):
    return call(edit_leed, "PATCH", "/leeds/{id}", context, path_params={"id": leed_id}, user=user, body=changes)


def test_the_seller_changes_fields_and_the_change_is_recorded(invocations, lambda_context):
    leed = post(lambda_context).body

    reply = edit(lambda_context, leed["id"], title="Birthday DJ", price_cents=4000, details="Ask for Sam")

    assert reply.status == 200, reply.body
    assert (reply.body["title"], reply.body["price_cents"], reply.body["details"]) == (
        "Birthday DJ", 4000, "Ask for Sam")
    item = leed_item(leed["id"])
    assert item["title"] == "Birthday DJ" and item["updated_at"] > item["created_at"]
    assert item["slot"] == leed_item(leed["id"])["slot"]


def test_a_new_address_moves_the_booking_slot(invocations, lambda_context):
    leed = post(lambda_context, location={"address": "12 Main Street", "zip": "90210"}).body
    old_slot = leed_item(leed["id"])["slot"]

    reply = edit(lambda_context, leed["id"], location={"address": "40 Elm Street", "zip": "90210"})

    assert reply.status == 200, reply.body
    item = leed_item(leed["id"])
    assert item["place_label"] == "40 Elm St, Beverly Hills, CA 90210, United States"
    assert db.get(db.booking_key(old_slot)) is None
    assert db.get(db.booking_key(item["slot"]))["leed_id"] == leed["id"]
    # the old place is free again: another seller can book it
    assert post(lambda_context, user="other", location={"address": "12 main st", "zip": "90210"}).status == 201


def test_an_edit_onto_a_booked_slot_is_409_and_changes_nothing(invocations, lambda_context):
    post(lambda_context, user="other", location={"address": "40 Elm Street", "zip": "90210"})
    leed = post(lambda_context, location={"address": "12 Main Street", "zip": "90210"}).body
    before = all_items()

    reply = edit(lambda_context, leed["id"], location={"address": "40 elm st.", "zip": "90210"})

    assert reply.status == 409
    assert all_items() == before


def test_a_new_start_is_checked_against_the_end_and_moves_the_date(invocations, lambda_context):
    start = future(days=10)
    leed = post(lambda_context, start_at=start).body
    assert edit(lambda_context, leed["id"], start=future(days=11).isoformat()).status == 422  # after its end
    later = future(days=12)
    reply = edit(lambda_context, leed["id"], start=later.isoformat(), end=later.replace(hour=22).isoformat())
    assert reply.status == 200, reply.body
    assert leed_item(leed["id"])["slot"].split("#")[1] == later.date().isoformat()


def test_only_the_seller_and_only_while_for_sale(invocations, lambda_context):
    leed = post(lambda_context).body
    assert edit(lambda_context, leed["id"], user="bob", title="Mine now").status == 403
    assert edit(lambda_context, leed["id"]).status == 422  # nothing to change
    assert edit(lambda_context, leed["id"], title=None).status == 422
    assert edit(lambda_context, leed["id"], buyer="bob").status == 422
    call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": leed["id"]}, user="bob")
    assert edit(lambda_context, leed["id"], title="Too late").status == 409
    withdrawn = post(lambda_context, location={"address": "3 Oak St", "zip": "10001"}).body
    call(delete_leed, "DELETE", "/leeds/{id}", lambda_context, path_params={"id": withdrawn["id"]}, user="sally")
    assert edit(lambda_context, withdrawn["id"], title="Back?").status == 409
    assert edit(lambda_context, "f" * 32, title="x").status == 404
