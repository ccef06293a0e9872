"""What recipients' mail servers get, parsed with Python's ``email`` package: list headers on the fan-out and
only there, both body parts, nobody else's data, names by display name, and user text that stays text
(issue 14, issue 18 item 2)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, urlparse

import pytest
from markupsafe import escape

from controllers import email_controller
from shared import clients, ses_templates, subscriptions, unsubscribe, users
from tests.integration.controller_helpers import bought, posted
from tests.integration.email_helpers import subscribe_many


def parsed(item: dict) -> EmailMessage:
    return email.message_from_string(item["raw"], policy=email.policy.default)  # type: ignore[return-value]


def fan_out(invocations, context) -> None:
    for event in invocations.events("notifyUsers"):
        email_controller.handler(event, context)


def test_every_fan_out_email_carries_its_own_one_click_unsubscribe_headers(invocations, inbox, lambda_context):
    subscribe_many("dj", 3)
    posted(lambda_context)
    fan_out(invocations, lambda_context)

    mails = {item["to"][0]: parsed(item) for item in inbox()}
    assert len(mails) == 3
    for address, msg in mails.items():
        username = address.split("@")[0]
        link = msg["List-Unsubscribe"].strip("<>")
        assert msg["List-Unsubscribe"].startswith("<https://") or msg["List-Unsubscribe"].startswith("<http://")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.verify(parse_qs(urlparse(link).query)["token"][0])[:2] == (username, "dj")
        assert msg["X-SES-CONFIGURATION-SET"] == "leedz-email-test"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert link in text and link.replace("&", "&amp;") in html  # the body's link is the header's
        others = [a.split("@")[0] for a in mails if a != address]
        for other in others:  # nobody else's name, address or link
            assert other not in text + html + str(msg["To"])
            assert f"Sub {other[-1]}" not in text + html
        assert f"Hi Sub {int(username[-1])}," in text


def test_receipts_are_transactional_without_list_headers(invocations, inbox, lambda_context):
    users.ensure_profile("bob", "bob@example.com")
    leed_id = posted(lambda_context)
    bought(lambda_context, leed_id, user="bob")
    [event] = invocations.events("sendSaleReceipts")
    email_controller.handler(event, lambda_context)

    mails = [parsed(item) for item in inbox()]
    assert sorted(str(m["To"]) for m in mails) == ["bob@example.com", "sally@example.com"]
    for msg in mails:
        assert msg["List-Unsubscribe"] is None and msg["List-Unsubscribe-Post"] is None
        assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
        assert msg["From"].addresses[0].display_name == "leedz"


def test_the_new_leed_email_names_the_seller_by_display_name(invocations, inbox, lambda_context):
    users.ensure_profile("6f1c0c8e-seller-uuid", "seller@example.com")
    users.rename("6f1c0c8e-seller-uuid", "Sally's Parties")
    subscribe_many("dj", 1)
    posted(lambda_context, user="6f1c0c8e-seller-uuid")
    fan_out(invocations, lambda_context)

    [item] = inbox()
    assert "posted by Sally's Parties" in item["text"] and "posted by Sally&#39;s Parties" in item["html"]
    assert "6f1c0c8e" not in item["text"] + item["html"]
    assert parsed(item)["From"].addresses[0].display_name == "leedz"


HANDLEBARS = ["{{{name}}}", "{{#each this}}x{{/each}}", "{{#if name}}y{{/if}}", "{{> partial}}", "{{!note}}",
              "{{name}}", "{{else}}", "}}{{", "{{{{raw}}}}"]


@pytest.mark.parametrize("syntax", HANDLEBARS)
def test_template_syntax_in_every_user_field_reaches_every_subscriber_as_typed(
        invocations, inbox, lambda_context, syntax):
    users.ensure_profile("sally", "sally@example.com")
    users.rename("sally", f"Sally {syntax}")
    for i in range(3):
        username = f"fan{i}"
        users.ensure_profile(username, f"{username}@example.com")
        users.rename(username, f"Fan {i} {syntax}")
        subscriptions.subscribe(username, "dj")
    posted(lambda_context, title=f"Party {syntax}", location={"address": f"1 {syntax} St.", "zip": "10001"})
    fan_out(invocations, lambda_context)

    mails = inbox()
    assert sorted(m["to"][0] for m in mails) == ["fan0@example.com", "fan1@example.com", "fan2@example.com"]
    for item in mails:
        i = item["to"][0][3]
        assert f"Party {syntax}" in item["subject"]
        for part in (item["text"], parsed(item).get_body(("plain",)).get_content()):
            assert f"Party {syntax}" in part and f"Sally {syntax}" in part and f"Hi Fan {i} {syntax}," in part
        assert str(escape(f"Party {syntax}")) in item["html"]  # as typed, HTML-escaped
        assert str(escape(f"Hi Fan {i} {syntax},")) in item["html"]
    templates = clients.sesv2().list_email_templates()["TemplatesMetadata"]
    assert [t["TemplateName"] for t in templates] == [ses_templates.new_leed_template()]  # no per-leed source


def test_making_the_static_template_sweeps_old_per_leed_templates(invocations, inbox, lambda_context):
    from moto.ses.models import ses_backends

    ses = clients.sesv2()
    leftovers = [f"leedz-new-leed-{n:032x}" for n in range(3)]
    for name in [*leftovers, f"leedz-new-leed-{9:032x}", "someone-elses"]:
        ses.create_email_template(TemplateName=name, TemplateContent={"Subject": "s", "Html": "h", "Text": "t"})
    for name in [*leftovers, "someone-elses"]:  # made by older code more than an hour ago
        ses_backends["123456789012"]["us-east-1"].templates[name]["timestamp"] -= 7200
    subscribe_many("dj", 1)
    posted(lambda_context)
    fan_out(invocations, lambda_context)  # the first fan-out of this code makes the static template

    names = {t["TemplateName"] for t in ses.list_email_templates()["TemplatesMetadata"]}
    # gone: the old per-leed ones; kept: another app's, and one an hour old or less (a fan-out may still use it)
    assert names == {ses_templates.new_leed_template(), "someone-elses", f"leedz-new-leed-{9:032x}"}
    assert ses_templates.sweep(now=datetime.now(UTC) + timedelta(hours=2)) == [f"leedz-new-leed-{9:032x}"]


def test_the_one_click_post_of_rfc_8058_unsubscribes_and_a_get_never_does(invocations, inbox, lambda_context):
    from handlers import unsubscribe_link
    from tests.apigw import call

    subscribe_many("dj", 1)
    posted(lambda_context)
    fan_out(invocations, lambda_context)
    [item] = inbox()
    link = parsed(item)["List-Unsubscribe"].strip("<>")
    token = parse_qs(urlparse(link).query)["token"][0]
    for _ in range(3):  # link scanners and prefetchers
        page = call(unsubscribe_link, "GET", "/unsubscribe", lambda_context, query={"token": token})
        assert page.status == 200 and 'method="post"' in page.raw_body
    assert subscriptions.trades_of("sub00000") == ["dj"]

    one_click = call(unsubscribe_link, "POST", "/unsubscribe", lambda_context, query={"token": token},
                     raw_body="List-Unsubscribe=One-Click",
                     content_type="application/x-www-form-urlencoded")
    assert one_click.status == 200 and "You are unsubscribed" in one_click.raw_body
    assert subscriptions.trades_of("sub00000") == []
    invocations.calls.clear()
    posted(lambda_context, title="The next party", location={"address": "5 Elm", "zip": "10001"})
    fan_out(invocations, lambda_context)
    assert [e for e in inbox() if "The next party" in e["subject"]] == []  # the next post does not email them
