"""SES's mailbox simulator on the local stack: each simulator address gets one email, SES's notification goes
through the template's configuration set, SNS topic and subscription to the EmailEventsController, run
asynchronously, and the address is suppressed for everything after (issue 14)."""

from __future__ import annotations

import json
import uuid

import requests

from tests.e2e.test_marketplace_flow import emails_for, leed_body


def _user(stack, kind: str, trade: str) -> tuple[dict[str, str], str]:
    """A user at ``kind+label@simulator.amazonses.com`` subscribed to ``trade``: their auth header, address."""
    label = uuid.uuid4().hex[:8]
    address = f"{kind}+{label}@simulator.amazonses.com"
    headers = {"Authorization": f"Bearer {stack.token(f'{kind}-{label}', address)}"}
    assert requests.put(f"{stack.api}/users/me/subscriptions/{trade}", headers=headers, timeout=30).status_code == 204
    return headers, address


def _post(stack, trade: str, days: int) -> str:
    seller = {"Authorization": f"Bearer {stack.token('alice')}"}
    resp = requests.post(f"{stack.api}/leeds", json=leed_body(trade=trade, days=days), headers=seller, timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def test_bounces_and_complaints_are_suppressed_through_sns(stack):
    bounced, bounce_address = _user(stack, "bounce", "live-music")
    complained, complaint_address = _user(stack, "complaint", "live-music")
    fine, fine_address = _user(stack, "success", "live-music")
    first = _post(stack, "live-music", days=21)
    assert stack.wait_idle(timeout=60)

    got = sorted(e["to"][0] for e in emails_for(stack, first))
    assert bounce_address in got and complaint_address in got and fine_address in got
    runs = stack.get("/_local/invocations?function=EmailEventsController").json()["items"]
    types = sorted(json.loads(r["event"]["Records"][0]["Sns"]["Message"])["eventType"] for r in runs
                   if any(a in json.dumps(r["event"]) for a in (bounce_address, complaint_address, fine_address)))
    assert types == ["Bounce", "Complaint", "Delivery", "Delivery"]  # complaint@ is delivered, then complains

    def me(headers: dict[str, str]) -> dict:
        return requests.get(f"{stack.api}/users/me", headers=headers, timeout=30).json()

    assert me(bounced)["email_status"] == "bounced"
    assert me(complained)["email_status"] == "complained"
    assert me(fine)["email_status"] == "ok"
    notes = requests.get(f"{stack.api}/users/me/notifications", headers=bounced, timeout=30).json()["items"]
    assert [n["type"] for n in notes] == ["email_bounced"]

    second = _post(stack, "live-music", days=22)
    assert stack.wait_idle(timeout=60)
    got = [e["to"][0] for e in emails_for(stack, second)]
    assert fine_address in got and bounce_address not in got and complaint_address not in got
