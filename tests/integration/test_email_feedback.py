"""Bounces and complaints, from SES's mailbox simulator through the template's SNS wiring to the
EmailEventsController (the local publisher in ``infra/local/sources/ses_events.py``, run in process):
suppression of every kind of email, ``email_status``, the in-app notice, transient bounces, idempotence."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from controllers import email_controller, email_events
from handlers import add_leed, get_profile, list_notifications
from infra import cfn
from infra.local.aws import ses_capture
from infra.local.sam.model import functions
from infra.local.sam.resolver import Resolver
from infra.local.sources import ses_events
from shared import subscriptions, suppression, users
from tests.apigw import call
from tests.integration.controller_helpers import bought, posted
from tests.integration.leed_factory import body

BOUNCE, COMPLAINT = "bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"


@pytest.fixture
def published(inbox, env) -> list[tuple[str, dict[str, Any]]]:
    """Every SNS event the template's wiring delivers for what is sent from now on: (function, event)."""
    template = cfn.load()
    table = ses_events.routes(Resolver(template), functions(template))
    delivered: list[tuple[str, dict[str, Any]]] = []
    wiring = {env["SES_CONFIGURATION_SET"]: table["EmailConfigurationSet"]}
    ses_capture._wiring["feedback"] = ses_events.publisher(
        wiring, lambda fn, event, source: delivered.append((fn, event)) or "id")
    yield delivered
    ses_capture._wiring["feedback"] = None


def deliver(published, context) -> int:
    """Run what SNS delivered, as Lambda would (once each); how many."""
    ran = 0
    while published:
        function, event = published.pop(0)
        assert function == "EmailEventsController"
        email_events.handler(event, context)
        ran += 1
    return ran


def subscriber(username: str, address: str, trade: str = "dj") -> None:
    users.ensure_profile(username, address)
    subscriptions.subscribe(username, trade)


def new_leed(invocations, context, **overrides) -> None:
    invocations.calls.clear()
    posted(context, **overrides)
    for event in invocations.events("notifyUsers"):
        email_controller.handler(event, context)


def me(username: str, address: str, context) -> dict:
    return call(get_profile, "GET", "/users/me", context, user=username, email=address).body


def notices(username: str, address: str, context) -> list[dict]:
    return call(list_notifications, "GET", "/users/me/notifications", context, user=username,
                email=address).body["items"]


def test_a_permanent_bounce_is_mailed_once_then_suppressed(invocations, inbox, published, lambda_context):
    subscriber("bo", BOUNCE)
    subscriber("ok", "success@simulator.amazonses.com")
    new_leed(invocations, lambda_context, title="First party")
    assert sorted(e["to"][0] for e in inbox()) == [BOUNCE, "success@simulator.amazonses.com"]
    kinds = sorted(__import__("json").loads(e["Records"][0]["Sns"]["Message"])["eventType"] for _, e in published)
    assert kinds == ["Bounce", "Delivery"]
    assert deliver(published, lambda_context) == 2

    assert me("bo", BOUNCE, lambda_context)["email_status"] == "bounced"
    assert me("ok", "success@simulator.amazonses.com", lambda_context)["email_status"] == "ok"
    notes = notices("bo", BOUNCE, lambda_context)
    assert [n["type"] for n in notes] == ["email_bounced"] and BOUNCE in notes[0]["message"]

    new_leed(invocations, lambda_context, title="Second party", location={"address": "9 Elm St.", "zip": "10001"})
    second = [e["to"][0] for e in inbox() if "Second party" in e["subject"]]
    assert second == ["success@simulator.amazonses.com"]  # nothing more to the bounced address


def test_a_complaint_suppresses_every_kind_of_email(invocations, inbox, published, lambda_context):
    subscriber("cy", COMPLAINT)
    new_leed(invocations, lambda_context, title="First party")
    deliver(published, lambda_context)
    assert me("cy", COMPLAINT, lambda_context)["email_status"] == "complained"

    reply = call(add_leed, "POST", "/leeds", lambda_context, user="cy", email=COMPLAINT,
                 body=body(title="Her own leed", location={"address": "3 Oak", "zip": "10001"}))
    leed_id = reply.body["id"]
    bought(lambda_context, leed_id, user="bob")
    [receipts] = invocations.events("sendSaleReceipts")
    assert email_controller.handler(receipts, lambda_context) == {
        "function": "sendSaleReceipts", "leed_id": leed_id, "buyer": True, "seller": False}
    assert [e["to"][0] for e in inbox() if "Sold:" in e["subject"]] == []  # not even a sale notice


def test_a_repeated_sns_notification_changes_nothing_more(invocations, inbox, published, lambda_context):
    subscriber("bo", BOUNCE)
    new_leed(invocations, lambda_context)
    [(_, event)] = published
    for _ in range(3):  # SNS delivers at least once
        email_events.handler(copy.deepcopy(event), lambda_context)
    item = suppression.db.get(suppression.key(BOUNCE), consistent=True)
    assert item["status"] == "bounced" and item["username"] == "bo"
    assert len(notices("bo", BOUNCE, lambda_context)) == 1


def test_transient_bounces_are_counted_once_each_and_do_not_suppress(aws, lambda_context):
    sent = {"source": "leedz <noreply@leedz.example>", "to": "ann@example.com", "message_id": "m-1", "subject": "s",
            "headers": {}, "configuration_set": "c", "tags": {"username": "YW5u"}}
    message = ses_events.record(sent, "Bounce", {"bounceType": "Transient", "bounceSubType": "MailboxFull",
                                                 "status": "4.2.2", "diagnosticCode": "full"})
    other = copy.deepcopy(message)
    other["bounce"]["feedbackId"] = "another-report"
    for msg in (message, message, other):
        email_events.handler(ses_events.sns_event("arn:aws:sns:us-east-1:123456789012:t", msg), lambda_context)
    item = suppression.db.get(suppression.key("ann@example.com"), consistent=True)
    assert item["transient_bounces"] == 2 and "status" not in item
    assert suppression.status("ann@example.com") == "ok"


def test_other_events_and_garbage_change_nothing(aws, lambda_context):
    event = {"Records": [{"Sns": {"Message": "not json"}},
                         {"Sns": {"Message": '{"eventType": "Open", "mail": {}}'}},
                         {"Sns": {"Message": '{"notificationType": "Delivery", "mail": {}}'}}]}
    assert email_events.handler(event, lambda_context) == {"results": [
        {"type": "Open", "ignored": "Open"}, {"type": "Delivery", "ignored": "Delivery"}]}


@pytest.mark.parametrize("name", ["Bounce", "Complaint"])
def test_the_console_events_suppress_bob(aws, lambda_context, name):
    """``events/email_events/*.json``: what SNS delivers, as the console's test events (tag username "bob")."""
    import json
    from pathlib import Path

    event = json.loads((Path(__file__).parents[2] / "events" / "email_events" / f"{name}.json").read_text())
    assert email_events.handler(event, lambda_context)["results"] == [{"type": name, "suppressed": 1}]
    address = f"{name.lower()}@simulator.amazonses.com"
    assert suppression.status(address) == {"Bounce": "bounced", "Complaint": "complained"}[name]
    expected = {"Bounce": "email_bounced", "Complaint": "email_complained"}[name]
    assert [n["type"] for n in notices("bob", "bob@example.com", lambda_context)] == [expected]
