"""email_controller on moto: notifyUsers fan-out (bulk, once per batch, continuation), sendSaleReceipts, the
unsubscribe link in every email."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from botocore.exceptions import ClientError

from controllers import email_controller
from handlers import unsubscribe_link
from shared import clients, db, subscriptions, users
from tests.apigw import call
from tests.integration.controller_helpers import bought, posted, trade_counters, withdrawn
from tests.integration.email_helpers import recipients, subscribe_many

EVENTS = Path(__file__).parents[2] / "events" / "email_controller"


def notify(leed_id: str, context, correlation_id: str = "corr-1", **extra) -> dict:
    event = {**json.loads((EVENTS / "notifyUsers.json").read_text()), "leed_id": leed_id,
             "correlation_id": correlation_id, **extra}
    return email_controller.handler(event, context)


def drain(invocations, context) -> int:
    """Run every continuation the controller fired for itself, as Lambda would; how many there were."""
    ran = 0
    while pending := [c for c in invocations.calls if c["Payload"]["function"] == "notifyUsers"
                      and c["FunctionName"] == "EmailController" and "batch" in c["Payload"]]:
        for call_ in pending:
            invocations.calls.remove(call_)
            email_controller.handler(call_["Payload"], context)
            ran += 1
    return ran


def test_every_subscriber_but_the_seller_gets_one_personal_email(invocations, inbox, ses_calls, lambda_context):
    expected = subscribe_many("dj", 120)
    users.ensure_profile("sally", "sally@example.com")
    subscriptions.subscribe("sally", "dj")  # the seller is a subscriber too, and must not be told
    subscribe_many("magician", 3, prefix="other")  # another trade: not told
    leed_id = posted(lambda_context, title="Wedding DJ, 120 guests")
    [event] = invocations.events("notifyUsers")

    result = email_controller.handler(event, lambda_context)

    sent = inbox()
    assert recipients(sent) == expected
    assert result["done"] and result["sent"] == 120
    first = next(e for e in sent if e["to"] == ["sub00007@example.com"])
    assert first["source"] == "leedz <noreply@leedz.example>"  # the sender has a display name
    assert first["subject"] == "New DJ leed in 10001: Wedding DJ, 120 guests"
    assert "Hi Sub 7," in first["text"] and "Hi Sub 7," in first["html"]
    assert f"http://127.0.0.1:3000/leeds/{leed_id}" in first["html"]
    assert "Call Pat" not in first["html"] + first["text"]  # details are private until bought
    # 120 recipients in 3 bulk calls of <= 50, plus the quota, and the static template looked up, made once
    # and the per-leed leftovers swept as it was made.
    assert ses_calls["SendBulkEmail"] == 3
    assert sum(ses_calls.values()) == 7, ses_calls
    [template] = clients.sesv2().list_email_templates()["TemplatesMetadata"]
    assert template["TemplateName"].startswith("leedz-new-leed-v-")


def test_the_leed_link_opens_the_web_app_and_the_unsubscribe_link_stays_on_the_api(
        invocations, inbox, lambda_context, monkeypatch):
    """Issue 12: "See the leed" opened the API (a raw 401 JSON in a browser); it opens the app's page now."""
    monkeypatch.setenv("APP_URL", "https://app.example/")
    subscribe_many("dj", 2)
    leed_id = posted(lambda_context)
    [event] = invocations.events("notifyUsers")
    email_controller.handler(event, lambda_context)
    for email in inbox():
        assert f'href="https://app.example/leeds/{leed_id}"' in email["html"]
        assert f"https://app.example/leeds/{leed_id}" in email["text"]
        assert "http://127.0.0.1:3000/unsubscribe?token=" in email["text"]


def test_a_repeated_event_sends_nothing_more(invocations, inbox, lambda_context):
    subscribe_many("dj", 60)
    leed_id = posted(lambda_context)
    notify(leed_id, lambda_context)
    notify(leed_id, lambda_context, correlation_id="another-delivery")
    assert len(inbox()) == 60 and len(set(recipients(inbox()))) == 60


def test_a_large_fan_out_continues_in_new_invocations(invocations, inbox, lambda_context, monkeypatch):
    monkeypatch.setenv("FANOUT_BATCHES_PER_INVOCATION", "1")
    expected = subscribe_many("dj", 130)
    leed_id = posted(lambda_context)

    first = notify(leed_id, lambda_context)

    assert first == {"function": "notifyUsers", "leed_id": leed_id, "batches": 1, "sent": 50, "done": False,
                     "next_batch": 1}
    [handoff] = [c for c in invocations.calls if "batch" in c["Payload"]]
    assert handoff["InvocationType"] == "Event" and handoff["Payload"]["correlation_id"] == "corr-1"
    assert len(json.dumps(handoff["Payload"])) < 1024  # a cursor, not a document
    assert drain(invocations, lambda_context) == 2
    assert recipients(inbox()) == expected


def test_time_running_out_hands_the_rest_to_a_new_invocation(invocations, inbox, lambda_context):
    expected = subscribe_many("dj", 75)
    leed_id = posted(lambda_context)
    lambda_context.remaining_ms = 20_000  # under the reserve: one batch, then hand off

    assert notify(leed_id, lambda_context)["done"] is False
    assert len(inbox()) == 50
    drain(invocations, lambda_context)
    assert recipients(inbox()) == expected


def fan_out_failing_at_the_second_batch(leed_id: str, context) -> None:
    """Run notifyUsers with SES failing its second bulk call: the first batch went out, then it raised."""
    calls = {"n": 0}

    def fail_the_second_send(**_):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "try later"}}, "SendBulk")

    clients.sesv2().meta.events.register("before-call.sesv2.SendBulkEmail", fail_the_second_send)
    with pytest.raises(ClientError):
        notify(leed_id, context)
    clients.sesv2().meta.events.unregister("before-call.sesv2.SendBulkEmail", fail_the_second_send)


def test_a_retry_after_partial_sending_sends_only_what_is_left(invocations, inbox, lambda_context):
    expected = subscribe_many("dj", 140)
    leed_id = posted(lambda_context)
    fan_out_failing_at_the_second_batch(leed_id, lambda_context)
    assert len(inbox()) == 50  # the first batch went out before the failure

    notify(leed_id, lambda_context)  # Lambda's retry of the same event
    assert recipients(inbox()) == expected  # each exactly once


def test_a_fan_out_stops_once_the_leed_is_sold(invocations, inbox, lambda_context):
    subscribe_many("dj", 140)
    leed_id = posted(lambda_context)
    fan_out_failing_at_the_second_batch(leed_id, lambda_context)
    bought(lambda_context, leed_id, user="bob")

    assert notify(leed_id, lambda_context)["done"] is True  # Lambda's retry: nothing left to offer
    assert len([e for e in inbox() if "Wedding DJ" in e["subject"]]) == 50
    assert len(clients.sesv2().list_email_templates()["TemplatesMetadata"]) == 1  # the static one, no per-leed


def test_user_text_is_escaped_in_html_and_kept_as_typed_in_text(invocations, inbox, lambda_context):
    users.ensure_profile("ann", "ann@example.com")
    users.rename("ann", 'Ann <b>&</b> "Bo"')
    subscriptions.subscribe("ann", "dj")
    leed_id = posted(lambda_context, title="<script>alert(1)</script> {{name}} party")
    # The API now refuses control characters in a title (422); a leed stored before that rule may still hold
    # them, and the email must stay safe: put one in behind the API's back.
    clients.dynamodb().update_item(TableName=db.table(), Key=db.to_ddb(db.leed_key(leed_id)),
                                   UpdateExpression="SET title = :t", ExpressionAttributeValues=db.values(
                                       t="<script>alert(1)</script> {{name}} party\r\nBcc: x@evil.example"))
    notify(leed_id, lambda_context)

    [email] = inbox()
    assert "<script>" not in email["html"] and "&lt;script&gt;" in email["html"]
    assert "Hi Ann &lt;b&gt;&amp;&lt;/b&gt; &#34;Bo&#34;," in email["html"]
    assert 'Hi Ann <b>&</b> "Bo",' in email["text"]
    assert "<script>alert(1)</script>" in email["text"]
    assert "\r" not in email["subject"] and "\n" not in email["subject"]
    assert "{{name}} party" in email["subject"]  # a title is template data: it cannot pull in template values
    assert "{{name}} party" in email["text"] and "Hi Ann" in email["text"]


def test_no_fan_out_for_a_leed_withdrawn_before_it_ran(invocations, inbox, lambda_context):
    subscribe_many("dj", 5)
    leed_id = posted(lambda_context)
    withdrawn(lambda_context, leed_id)
    assert notify(leed_id, lambda_context)["sent"] == 0
    assert inbox() == []


def test_unknown_leed_and_unknown_function_raise(invocations, inbox, lambda_context):
    with pytest.raises(LookupError):
        notify("0" * 32, lambda_context)
    with pytest.raises(ValueError, match="no function 'sendNewsletter'"):
        email_controller.handler({"function": "sendNewsletter", "correlation_id": "c", "leed_id": "x"},
                                 lambda_context)


def test_the_unsubscribe_link_in_the_email_works_once_and_only_for_its_owner(invocations, inbox, lambda_context):
    subscribe_many("dj", 2)
    leed_id = posted(lambda_context)
    notify(leed_id, lambda_context)
    email = next(e for e in inbox() if e["to"] == ["sub00001@example.com"])
    link = re.search(r"Unsubscribe with one click: (\S+)", email["text"]).group(1)
    assert f'href="{link}"' in email["html"]
    token = parse_qs(urlparse(link).query)["token"][0]
    assert trade_counters()["subscribers"] == 2

    def click(value, method="GET"):
        return call(unsubscribe_link, method, "/unsubscribe", lambda_context, query={"token": value})

    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = click(tampered)
    assert refused.status == 403 and refused.body["error"] == "forbidden"
    assert subscriptions.trades_of("sub00001") == ["dj"]

    page = click(token)  # GET: a confirmation page, and nothing changes (link scanners open links)
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Stop the DJ emails?" in page.raw_body and 'method="post"' in page.raw_body
    assert subscriptions.trades_of("sub00001") == ["dj"] and trade_counters()["subscribers"] == 2

    done = click(token, "POST")  # the page's button, or a mail client's one-click POST
    assert done.status == 200 and "You are unsubscribed" in done.raw_body and "DJ" in done.raw_body
    assert subscriptions.trades_of("sub00001") == [] and subscriptions.trades_of("sub00000") == ["dj"]
    assert trade_counters()["subscribers"] == 1
    assert click(token, "POST").status == 200  # again: nothing changes
    assert trade_counters()["subscribers"] == 1
    assert "You are not subscribed" in click(token).raw_body

    missing = call(unsubscribe_link, "GET", "/unsubscribe", lambda_context)
    assert missing.status == 422 and missing.body["error"] == "validation_error"


def test_sale_receipts_reach_buyer_and_seller_once(invocations, inbox, lambda_context, metrics_emitted):
    users.ensure_profile("bob", "bob@example.com")
    users.rename("bob", "Bob Baker")
    leed_id = posted(lambda_context, price_cents=4250, details="Gate code <1234> & ask for Pat")
    bought(lambda_context, leed_id, user="bob")
    [event] = invocations.events("sendSaleReceipts")

    assert email_controller.handler(event, lambda_context)["buyer"] is True
    assert metrics_emitted()["SaleEmails"] == 2
    email_controller.handler({**event, "correlation_id": "duplicate"}, lambda_context)
    assert metrics_emitted()["SaleEmails"] == 0

    by_to = {e["to"][0]: e for e in inbox()}
    assert sorted(by_to) == ["bob@example.com", "sally@example.com"]
    receipt, notice = by_to["bob@example.com"], by_to["sally@example.com"]
    assert receipt["subject"] == "Your leedz receipt: Wedding DJ, 120 guests ($42.50)"
    assert "Gate code <1234> & ask for Pat" in receipt["text"]
    assert "Gate code &lt;1234&gt; &amp; ask for Pat" in receipt["html"]
    assert "12 Main St." in receipt["text"]
    assert notice["subject"] == "Sold: Wedding DJ, 120 guests ($42.50)"
    assert "Bob Baker bought your leed" in notice["text"] and "Gate code" not in notice["text"]
    assert db.get(db.leed_key(leed_id))["status"] == "sold"


def test_receipts_for_a_leed_that_is_not_sold_raise(invocations, inbox, lambda_context):
    leed_id = posted(lambda_context)
    with pytest.raises(LookupError):
        email_controller.handler({"function": "sendSaleReceipts", "correlation_id": "c", "leed_id": leed_id},
                                 lambda_context)
    assert inbox() == []
