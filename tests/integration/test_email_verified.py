"""Issue 18.3: a token whose email is not verified cannot get that address mailed. Subscribing, posting (the
sale notice) and buying (the receipt) answer 403 and change nothing; the unverified address never replaces the
verified one on the profile or the subscriptions the fan-out reads."""

from __future__ import annotations

import pytest

from handlers import add_leed, buy_leed, get_profile, subscribe
from shared import db
from tests.apigw import call, proxy_event
from tests.integration.leed_factory import body, post, table_without_profiles

VICTIM = "victim@example.com"


def _subscribe(context, user="mal", **claims):
    return call(subscribe, "PUT", "/users/me/subscriptions/{trade}", context, path_params={"trade": "dj"},
                user=user, **claims)


def test_an_unverified_email_cannot_subscribe_someone_to_mail(aws, lambda_context):
    reply = _subscribe(lambda_context, email=VICTIM, email_verified=False)

    assert reply.status == 403 and reply.body["error"] == "forbidden"
    assert "Verify your email" in reply.body["message"]
    assert table_without_profiles() == []
    # the profile exists (any authenticated request makes it) but never holds the unverified address
    assert db.get(db.profile_key("mal"))["email"] == ""


def test_an_unverified_email_cannot_post_or_buy(aws, invocations, lambda_context):
    refused = call(add_leed, "POST", "/leeds", lambda_context, body=body(), user="mal", email=VICTIM,
                   email_verified=False)
    assert refused.status == 403
    assert table_without_profiles() == [] and invocations.calls == []

    leed_id = post(lambda_context).body["id"]
    before = len(invocations.calls)
    refused = call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": leed_id},
                   user="mal", email=VICTIM, email_verified=False)
    assert refused.status == 403
    assert db.find_leed(leed_id)["status"] == "for_sale" and len(invocations.calls) == before


def test_a_verified_user_s_stored_address_survives_an_unverified_token(aws, lambda_context):
    assert _subscribe(lambda_context, user="erin").status == 204

    profile = call(get_profile, "GET", "/users/me", lambda_context, user="erin", email=VICTIM, email_verified=False)

    assert profile.status == 200 and profile.body["email"] == "erin@example.com"
    [sub] = [i for i in table_without_profiles() if i["sk"] == "SUB#dj"]
    assert sub["email"] == "erin@example.com"  # the fan-out still mails the verified address only


@pytest.mark.parametrize("claim", [None, "false", "False", ""])
def test_only_a_true_claim_counts_as_verified(aws, lambda_context, claim):
    event_claims = {"cognito:username": "mal", "email": VICTIM}
    if claim is not None:
        event_claims["email_verified"] = claim
    event = proxy_event("PUT", "/users/me/subscriptions/{trade}", path_params={"trade": "dj"}, user="mal")
    event["requestContext"]["authorizer"]["claims"] = event_claims
    result = subscribe.handler(event, lambda_context)
    assert result["statusCode"] == 403
