"""GET /users/me and PUT /users/me: the profile from the claims, renaming, and contact details on subscriptions."""

import pytest

from handlers import get_profile, subscribe, update_profile
from shared import db, users
from tests.apigw import call
from tests.integration.leed_factory import all_items

ZERO = {"posted": 0, "sold": 0, "bought": 0, "earned_cents": 0, "spent_cents": 0}


def me(context, user="erin", email=None):
    return call(get_profile, "GET", "/users/me", context, user=user, email=email)


def rename(context, body, user="erin"):
    return call(update_profile, "PUT", "/users/me", context, body=body, user=user)


def sub_items(user="erin"):
    return [i for i in all_items() if i["pk"] == f"USER#{user}" and i["sk"].startswith("SUB#")]


def test_first_request_creates_the_profile_from_the_claims(aws, lambda_context):
    reply = me(lambda_context)

    assert reply.status == 200
    assert reply.body == {"username": "erin", "email": "erin@example.com", "name": "erin",
                          "subscriptions": [], "stats": ZERO, "email_status": "ok"}
    profile = db.get(db.profile_key("erin"))
    assert profile["created_at"] and profile["email"] == "erin@example.com"


def test_profile_lists_subscriptions_and_stats(aws, lambda_context):
    for trade in ("magician", "dj"):
        call(subscribe, "PUT", "/users/me/subscriptions/{trade}", lambda_context, path_params={"trade": trade},
             user="erin")
    # counters as the bookkeeping controller leaves them; a missing one reads as 0
    db.clients.dynamodb().update_item(
        TableName=db.table(), Key=db.to_ddb(db.profile_key("erin")),
        UpdateExpression="ADD posted :p, earned_cents :e", ExpressionAttributeValues=db.values(p=3, e=12_500))

    body = me(lambda_context).body

    assert body["subscriptions"] == ["dj", "magician"]
    assert body["stats"] == {**ZERO, "posted": 3, "earned_cents": 12_500}


def test_profile_ignores_notifications_in_the_same_partition(aws, lambda_context):
    db.put({**db.notification_key("erin", "2026-01-01T00:00:00+00:00", "n1"), "id": "n1"})
    assert me(lambda_context).body["subscriptions"] == []


def test_rename_answers_the_profile_and_updates_the_subscriptions(aws, lambda_context):
    call(subscribe, "PUT", "/users/me/subscriptions/{trade}", lambda_context, path_params={"trade": "dj"},
         user="erin")

    reply = rename(lambda_context, {"name": "  Erin Quinn  "})

    assert reply.status == 200
    assert reply.body["name"] == "Erin Quinn"
    assert reply.body["subscriptions"] == ["dj"]
    assert me(lambda_context).body["name"] == "Erin Quinn"
    assert [(s["name"], s["email"]) for s in sub_items()] == [("Erin Quinn", "erin@example.com")]


def test_a_new_email_claim_reaches_the_subscriptions(aws, lambda_context):
    call(subscribe, "PUT", "/users/me/subscriptions/{trade}", lambda_context, path_params={"trade": "dj"},
         user="erin")
    rename(lambda_context, {"name": "Erin"})

    body = me(lambda_context, email="erin@new.example").body

    assert body["email"] == "erin@new.example"
    assert body["name"] == "Erin"  # a new email keeps the chosen name
    assert [(s["name"], s["email"]) for s in sub_items()] == [("Erin", "erin@new.example")]


def test_ensure_profile_keeps_a_chosen_name_and_the_first_created_at(aws, lambda_context):
    users.ensure_profile("erin", "erin@example.com")
    created = db.get(db.profile_key("erin"))["created_at"]
    rename(lambda_context, {"name": "Erin"})
    users.forget_ensured()

    users.ensure_profile("erin", "erin@example.com")

    profile = db.get(db.profile_key("erin"))
    assert (profile["name"], profile["created_at"]) == ("Erin", created)


@pytest.mark.parametrize("body", [
    {"name": ""}, {"name": "   "}, {"name": "x" * 101}, {"name": 42}, {}, {"name": "Erin", "email": "e@x.example"},
    {"name": None}, ["Erin"],
])
def test_a_bad_name_is_422_and_changes_nothing(aws, lambda_context, body):
    me(lambda_context)
    before = all_items()

    reply = rename(lambda_context, body)

    assert reply.status == 422
    assert reply.body["error"] == "validation_error"
    assert reply.body["details"]
    assert all_items() == before


def test_a_100_character_name_is_fine(aws, lambda_context):
    assert rename(lambda_context, {"name": "x" * 100}).body["name"] == "x" * 100


def test_malformed_json_is_400(aws, lambda_context):
    reply = call(update_profile, "PUT", "/users/me", lambda_context, raw_body="{name:", user="erin")
    assert reply.status == 400
    assert reply.body["error"] == "bad_request"


@pytest.mark.parametrize("module,method,body", [(get_profile, "GET", None), (update_profile, "PUT", {"name": "X"})])
def test_without_claims_it_is_401(aws, lambda_context, module, method, body):
    reply = call(module, method, "/users/me", lambda_context, body=body)
    assert reply.status == 401
    assert reply.body["error"] == "unauthorized"
    assert all_items() == []
