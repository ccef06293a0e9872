"""GET /leeds/{id} (views by role) and DELETE /leeds/{id} (withdrawal)."""

from handlers import buy_leed, delete_leed, get_leed, list_leeds
from shared import db
from tests.apigw import call
from tests.integration.leed_factory import SELLER, leed_item, post, table_without_profiles


def get(context, leed_id, user="eve"):
    return call(get_leed, "GET", "/leeds/{id}", context, path_params={"id": leed_id}, user=user)


def delete(context, leed_id, user=SELLER):
    return call(delete_leed, "DELETE", "/leeds/{id}", context, path_params={"id": leed_id}, user=user)


def test_strangers_see_the_public_view_seller_and_buyer_the_full_one(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": leed_id}, user="bob")

    public = get(lambda_context, leed_id, user="eve")
    assert public.status == 200
    assert set(public.body) == {"id", "trade", "title", "start", "end", "zip", "price_cents", "seller", "status",
                                "created_at"}
    assert public.body["status"] == "sold"
    for user in (SELLER, "bob"):
        full = get(lambda_context, leed_id, user=user)
        assert full.status == 200
        assert full.body["location"] == {"address": "12 Main St.", "zip": "10001"}
        assert full.body["buyer"] == "bob"
        assert full.body["details"]


def test_get_unknown_is_404_and_anonymous_is_401(invocations, lambda_context):
    assert get(lambda_context, "f" * 32).status == 404
    assert get(lambda_context, "x" * 3000).status == 404  # not an id at all: never reaches DynamoDB
    leed_id = post(lambda_context).body["id"]
    assert call(get_leed, "GET", "/leeds/{id}", lambda_context, path_params={"id": leed_id}).status == 401


def test_withdrawing_frees_the_slot_hides_the_leed_and_fires_one_event(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    slot = leed_item(leed_id)["slot"]
    invocations.calls.clear()

    reply = delete(lambda_context, leed_id)

    assert reply.status == 204
    assert reply.body is None
    item = leed_item(leed_id)
    assert item["status"] == "withdrawn" and item["withdrawn_at"]
    assert "gsi1pk" not in item
    assert db.get(db.booking_key(slot)) is None
    assert [(e["function"], e["leed_id"]) for e in invocations.events()] == [("recordWithdrawal", leed_id)]
    listed = call(list_leeds, "GET", "/leeds", lambda_context, query={"trade": "dj"})
    assert listed.body["items"] == []


def test_withdrawing_twice_is_204_without_a_second_event(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    assert delete(lambda_context, leed_id).status == 204
    before = table_without_profiles()
    invocations.calls.clear()

    assert delete(lambda_context, leed_id).status == 204

    assert invocations.calls == []
    assert table_without_profiles() == before


def test_only_the_seller_may_withdraw(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    before = table_without_profiles()

    reply = delete(lambda_context, leed_id, user="eve")

    assert reply.status == 403
    assert reply.body["error"] == "forbidden"
    assert table_without_profiles() == before


def test_a_sold_leed_cannot_be_withdrawn_and_keeps_its_slot(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": leed_id}, user="bob")
    before = table_without_profiles()

    reply = delete(lambda_context, leed_id)

    assert reply.status == 409
    assert table_without_profiles() == before
    assert post(lambda_context, user="other").status == 409  # a sold leed still books its slot


def test_withdraw_unknown_is_404_and_anonymous_is_401(invocations, lambda_context):
    assert delete(lambda_context, "a" * 32).status == 404
    leed_id = post(lambda_context).body["id"]
    assert call(delete_leed, "DELETE", "/leeds/{id}", lambda_context, path_params={"id": leed_id}).status == 401
    assert leed_item(leed_id)["status"] == "for_sale"


def test_a_failed_invoke_still_withdraws_and_keeps_the_outbox_entry(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    invocations.fail = True

    assert delete(lambda_context, leed_id).status == 204

    [entry] = [i for i in table_without_profiles() if i["pk"].startswith("OUTBOX#")]
    assert entry["events"][0]["function"] == "recordWithdrawal"
