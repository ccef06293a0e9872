"""PUT/DELETE /users/me/subscriptions/{trade}: 204, idempotent, the trade's counter moves exactly once."""

import pytest

from handlers import get_profile, list_trades, subscribe, unsubscribe
from shared import db
from tests.apigw import call
from tests.integration.leed_factory import all_items

ROUTE = "/users/me/subscriptions/{trade}"


def put(context, trade="dj", user="erin"):
    return call(subscribe, "PUT", ROUTE, context, path_params={"trade": trade}, user=user)


def delete(context, trade="dj", user="erin"):
    return call(unsubscribe, "DELETE", ROUTE, context, path_params={"trade": trade}, user=user)


def subscribers(context, trade="dj"):
    items = call(list_trades, "GET", "/trades", context).body["items"]
    return {t["name"]: t["subscribers"] for t in items}[trade]


def fan_out(trade="dj"):
    """What the email controller reads: the trade's subscribers from gsi1."""
    return list(db.query_all(IndexName=db.GSI1, KeyConditionExpression="gsi1pk = :pk",
                             ExpressionAttributeValues=db.values(pk=f"SUBS#{trade}")))


def test_subscribing_is_204_and_makes_a_fan_out_recipient(aws, lambda_context):
    reply = put(lambda_context)

    assert reply.status == 204
    assert reply.body is None
    [sub] = fan_out()
    assert {k: sub[k] for k in ("username", "email", "name", "trade", "gsi1sk")} == {
        "username": "erin", "email": "erin@example.com", "name": "erin", "trade": "dj", "gsi1sk": "erin"}
    assert sub["created_at"]
    assert subscribers(lambda_context) == 1
    assert call(get_profile, "GET", "/users/me", lambda_context, user="erin").body["subscriptions"] == ["dj"]


def test_subscribing_twice_changes_nothing(aws, lambda_context):
    assert put(lambda_context).status == 204
    before = all_items()

    assert put(lambda_context).status == 204

    assert all_items() == before
    assert subscribers(lambda_context) == 1


def test_counter_counts_each_user_once(aws, lambda_context):
    for user in ("erin", "frank", "erin", "gina", "frank"):
        assert put(lambda_context, user=user).status == 204
    assert subscribers(lambda_context) == 3
    assert subscribers(lambda_context, "magician") == 0
    assert sorted(s["username"] for s in fan_out()) == ["erin", "frank", "gina"]


def test_unsubscribing_is_204_and_idempotent(aws, lambda_context):
    put(lambda_context)
    put(lambda_context, user="frank")

    assert delete(lambda_context).status == 204
    assert subscribers(lambda_context) == 1
    before = all_items()
    assert delete(lambda_context).status == 204

    assert all_items() == before
    assert subscribers(lambda_context) == 1
    assert [s["username"] for s in fan_out()] == ["frank"]


def test_unsubscribing_when_never_subscribed_is_204_and_the_counter_stays_at_zero(aws, lambda_context):
    assert delete(lambda_context, trade="bartending").status == 204
    assert subscribers(lambda_context, "bartending") == 0


def test_resubscribing_after_unsubscribing_counts_again(aws, lambda_context):
    put(lambda_context)
    delete(lambda_context)
    put(lambda_context)
    assert subscribers(lambda_context) == 1
    assert len(fan_out()) == 1


@pytest.mark.parametrize("method", [put, delete])
def test_unknown_trade_is_404_and_writes_nothing(aws, lambda_context, method):
    reply = method(lambda_context, trade="juggling")

    assert reply.status == 404
    assert reply.body["error"] == "not_found"
    assert [i for i in all_items() if i["sk"] != "PROFILE"] == []


@pytest.mark.parametrize("module,method", [(subscribe, "PUT"), (unsubscribe, "DELETE")])
def test_without_claims_it_is_401(aws, lambda_context, module, method):
    reply = call(module, method, ROUTE, lambda_context, path_params={"trade": "dj"})

    assert reply.status == 401
    assert reply.body["error"] == "unauthorized"
    assert all_items() == []


def test_a_profile_change_between_read_and_write_is_retried_with_the_new_name(aws, lambda_context, monkeypatch):
    """The subscription must never keep a name the profile no longer has: the transaction checks it."""
    from shared import subscriptions, users

    users.ensure_profile("erin", "erin@example.com")
    real_get = db.get
    renamed = []

    def get_then_rename(key, **kwargs):
        item = real_get(key, **kwargs)
        if key == db.profile_key("erin") and not renamed:
            renamed.append(True)
            users.rename("erin", "Erin Q.")  # lands after our read, before our write
        return item

    monkeypatch.setattr(db, "get", get_then_rename)
    assert subscriptions.subscribe("erin", "dj") is True

    [sub] = fan_out()
    assert sub["name"] == "Erin Q."
    assert subscribers(lambda_context) == 1
