"""Issue 18.4: each function's role grants the DynamoDB actions it calls on the partitions it touches, and the
deploy rehearsal (aws_calls.py, on every test here) fails a call its role would refuse. These tests drive the
paths every function takes but the other tests reach only through some: a token whose email changed (any
authenticated route copies it onto the caller's subscriptions), and the unsubscribe link with a cold key cache."""

from __future__ import annotations

import pytest

from handlers import (
    add_attachment,
    add_leed,
    buy_leed,
    delete_account,
    delete_attachment,
    delete_leed,
    edit_leed,
    get_leed,
    get_profile,
    list_attachments,
    list_my_leeds,
    list_notifications,
    report_leed,
    subscribe,
    unsubscribe,
    unsubscribe_link,
    update_profile,
)
from shared import subscriptions
from shared import unsubscribe as tokens
from tests.apigw import call
from tests.integration.leed_factory import body as leed_body
from tests.integration.leed_factory import table_without_profiles

MISSING = "0" * 32
ROUTES = [
    (get_profile, "GET", "/users/me", {}, None),
    (update_profile, "PUT", "/users/me", {}, {"name": "Erin"}),
    (subscribe, "PUT", "/users/me/subscriptions/{trade}", {"trade": "magician"}, None),
    (unsubscribe, "DELETE", "/users/me/subscriptions/{trade}", {"trade": "magician"}, None),
    (list_notifications, "GET", "/users/me/notifications", {}, None),
    (list_my_leeds, "GET", "/users/me/leeds", {}, None),
    (add_leed, "POST", "/leeds", {}, leed_body()),
    (get_leed, "GET", "/leeds/{id}", {"id": MISSING}, None),
    (buy_leed, "POST", "/leeds/{id}/buy", {"id": MISSING}, None),
    (delete_leed, "DELETE", "/leeds/{id}", {"id": MISSING}, None),
    (edit_leed, "PATCH", "/leeds/{id}", {"id": MISSING}, {"title": "A corrected title"}),
    (report_leed, "POST", "/leeds/{id}/report", {"id": MISSING}, {"reason": "spam"}),
    (add_attachment, "POST", "/leeds/{id}/attachments", {"id": MISSING},
     {"filename": "a.jpg", "content_type": "image/jpeg"}),
    (list_attachments, "GET", "/leeds/{id}/attachments", {"id": MISSING}, None),
    (delete_attachment, "DELETE", "/leeds/{id}/attachments/{key}", {"id": MISSING, "key": "a.jpg"}, None),
    (delete_account, "DELETE", "/users/me", {}, None),  # last: erases erin once her email is copied
]


@pytest.mark.parametrize("module, method, resource, params, body", ROUTES,
                         ids=[r[0].__name__.rsplit(".", 1)[-1] for r in ROUTES])
def test_any_authenticated_route_copies_a_changed_email_onto_the_subscriptions(
        invocations, lambda_context, module, method, resource, params, body):
    assert call(subscribe, "PUT", "/users/me/subscriptions/{trade}", lambda_context, path_params={"trade": "dj"},
                user="erin", email="old@example.com").status == 204

    reply = call(module, method, resource, lambda_context, path_params=params or None, body=body, user="erin",
                 email="new@example.com")

    assert reply.status < 500, reply.body
    [sub] = [i for i in table_without_profiles() if i["sk"] == "SUB#dj"]
    assert sub["email"] == "new@example.com"


def _link(lambda_context, token: str, method: str = "GET"):
    return call(unsubscribe_link, method, "/unsubscribe", lambda_context, query={"token": token})


def test_the_unsubscribe_link_reads_the_signing_key_itself(aws, lambda_context):
    assert call(subscribe, "PUT", "/users/me/subscriptions/{trade}", lambda_context, path_params={"trade": "dj"},
                user="erin").status == 204
    token = tokens.token("erin", "dj", subscriptions.created_at("erin", "dj"))  # as the email controller would
    tokens.forget_key()  # a cold start of the link's function: it reads the key from Secrets Manager itself

    assert _link(lambda_context, token).status == 200  # the confirmation page reads the subscription
    assert _link(lambda_context, token, "POST").status == 200
    assert [i for i in table_without_profiles() if i["sk"] == "SUB#dj"] == []


def test_the_unsubscribe_link_before_any_email_was_sent_refuses_a_forged_token(aws, lambda_context):
    tokens.forget_key()  # a cold start, no link signed yet
    assert _link(lambda_context, "eyJ4Ijp0cnVlfQ.forged").status == 403
    assert _link(lambda_context, "eyJ4Ijp0cnVlfQ.forged", "POST").status == 403
