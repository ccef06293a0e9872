"""SES's mailbox simulator and event publishing, locally: what SES would publish about an email sent to
``success@``, ``bounce@``, ``complaint@``, ``suppressionlist@`` or ``ooto@simulator.amazonses.com`` (a ``+label``
allowed), through the template's wiring: configuration set -> event destination (its matching event types) ->
SNS topic -> each function subscribed to the topic (``Type: SNS`` events), invoked asynchronously with
Lambda's retry semantics (``runtime/asyncq.py``), as SNS invokes Lambda. Mail to any other address publishes
nothing (SES would publish a Delivery; locally no inbox answers).

The records follow SES's "Contents of event data that Amazon SES publishes to Amazon SNS" (eventType, mail with
tags, bounce/complaint/delivery objects) and the Lambda SNS event (Records[].Sns).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra import cfn
from infra.local.sam.model import ACCOUNT, REGION, Function
from infra.local.sam.resolver import Resolver

SIMULATOR = "simulator.amazonses.com"
# local part -> the events SES publishes for it, in order (event type, details)
OUTCOMES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "success": [("Delivery", {})],
    "ooto": [("Delivery", {})],
    "bounce": [("Bounce", {"bounceType": "Permanent", "bounceSubType": "General", "status": "5.1.1",
                           "diagnosticCode": "smtp; 550 5.1.1 user unknown"})],
    "suppressionlist": [("Bounce", {"bounceType": "Permanent", "bounceSubType": "OnAccountSuppressionList",
                                    "status": "5.1.1", "diagnosticCode": "Amazon SES did not send the message to "
                                    "this address because it is on the suppression list for your account."})],
    "complaint": [("Delivery", {}), ("Complaint", {"complaintFeedbackType": "abuse"})],
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def outcomes(address: str) -> list[tuple[str, dict[str, Any]]]:
    local, _, domain = address.lower().partition("@")
    return OUTCOMES.get(local.split("+", 1)[0], []) if domain == SIMULATOR else []


def record(sent: dict[str, Any], kind: str, details: dict[str, Any]) -> dict[str, Any]:
    """The event record SES publishes for ``sent`` (what ``ses_capture`` reports of one recipient's email)."""
    address, at = sent["to"], _now()
    source = sent["source"]
    identity = source.rpartition("<")[2].rstrip(">") if "<" in source else source
    mail = {"timestamp": at, "source": source, "sourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{identity}",
            "sendingAccountId": ACCOUNT, "messageId": sent["message_id"], "destination": [address],
            "headersTruncated": False, "headers": [{"name": k, "value": v} for k, v in sent["headers"].items()],
            "commonHeaders": {"from": [source], "to": [address], "messageId": sent["message_id"],
                              "subject": sent["subject"]},
            "tags": {"ses:configuration-set": [sent["configuration_set"]], "ses:source-ip": ["127.0.0.1"],
                     "ses:from-domain": [identity.rpartition("@")[2]],
                     **{name: [value] for name, value in sent["tags"].items()}}}
    feedback_id = f"local-{uuid.uuid4().hex}"
    body: dict[str, Any]
    if kind == "Bounce":
        body = {"bounceType": details["bounceType"], "bounceSubType": details["bounceSubType"],
                "bouncedRecipients": [{"emailAddress": address, "action": "failed", "status": details["status"],
                                       "diagnosticCode": details["diagnosticCode"]}],
                "timestamp": at, "feedbackId": feedback_id, "reportingMTA": "dns; simulator.amazonses.com"}
    elif kind == "Complaint":
        body = {"complainedRecipients": [{"emailAddress": address}], "timestamp": at, "feedbackId": feedback_id,
                "userAgent": "Amazon SES Mailbox Simulator", "arrivalDate": at,
                "complaintFeedbackType": details["complaintFeedbackType"]}
    else:
        body = {"timestamp": at, "processingTimeMillis": 120, "recipients": [address],
                "smtpResponse": "250 2.6.0 Message received", "reportingMTA": "a8-70.smtp-out.amazonses.com"}
    return {"eventType": kind, "mail": mail, kind.lower(): body}


def sns_event(topic_arn: str, message: dict[str, Any]) -> dict[str, Any]:
    """The event SNS invokes a subscribed function with (one record)."""
    message_id = str(uuid.uuid4())
    return {"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
        "Sns": {"Type": "Notification", "MessageId": message_id, "TopicArn": topic_arn, "Subject": None,
                "Message": json.dumps(message), "Timestamp": _now(), "SignatureVersion": "1",
                "Signature": "LOCAL", "SigningCertUrl": "", "UnsubscribeUrl": "", "MessageAttributes": {}},
    }]}


@dataclass(frozen=True)
class Route:
    event_types: frozenset[str]  # SES's MatchingEventTypes, lower case
    topic_arn: str
    functions: tuple[str, ...]


def routes(resolver: Resolver, functions: dict[str, Function]) -> dict[str, list[Route]]:
    """Configuration set name -> where its events go, from the template's event destinations."""
    found: dict[str, list[Route]] = {}
    for props in cfn.resources("AWS::SES::ConfigurationSetEventDestination", resolver.template).values():
        dest = props.get("EventDestination") or {}
        topic = (dest.get("SnsDestination") or {}).get("TopicARN")
        if not topic or dest.get("Enabled", True) is False:
            continue
        name = str(resolver.resolve(topic))
        arn = name if name.startswith("arn:") else f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"
        subscribers = tuple(fn.name for fn in functions.values() if name in fn.sns_topics)
        found.setdefault(str(resolver.resolve(props["ConfigurationSetName"])), []).append(
            Route(frozenset(t.lower() for t in dest.get("MatchingEventTypes") or []), arn, subscribers))
    return found


def publisher(table: dict[str, list[Route]], submit: Callable[[str, Any, str], str]) -> Callable[[dict], None]:
    """``ses_capture``'s feedback hook: each simulator outcome of a sent email, to the functions subscribed."""

    def publish(sent: dict[str, Any]) -> None:
        for kind, details in outcomes(sent["to"]):
            message = None
            for route in table.get(sent["configuration_set"], []):
                if kind.lower() not in route.event_types:
                    continue
                message = message or record(sent, kind, details)
                for function in route.functions:
                    submit(function, sns_event(route.topic_arn, message), "SNS")

    return publish
