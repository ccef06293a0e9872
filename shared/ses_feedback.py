"""What SES reports about sent email (through the configuration set's event destination, an SNS topic):
a permanent bounce or a complaint suppresses the address (``shared.suppression``) and tells its owner in the
app; a transient bounce is counted; every other event type is only logged.

SES names the type ``eventType`` (event publishing) or ``notificationType`` (identity notifications); both
are read. Each sent email is tagged with its recipient's username (``tag_value``), so the owner is known
without looking the address up. SNS delivers at least once: each recipient of each report (its
``feedbackId``) is applied once (``shared.effects``), so a repeated notification changes nothing more.
"""

from __future__ import annotations

import binascii
from datetime import UTC, datetime
from typing import Any

from shared import base64url, db, effects, suppression
from shared.notifications import note_id
from shared.observability import logger

FUNCTION = "sesFeedback"
MESSAGES = {
    suppression.BOUNCED: "Our emails to {address} bounce (the address does not accept mail), so we stopped "
                         "sending them. Change your email address to get leedz emails again.",
    suppression.COMPLAINED: "An email from leedz to {address} was reported as spam, so we stopped emailing "
                            "that address. Nothing more will be sent to it.",
}


def tag_value(username: str) -> str:
    """A username as an SES tag value (letters, digits, ``_`` and ``-`` only): base64url."""
    return base64url.encode(username.encode())


def username_of(mail: dict[str, Any]) -> str | None:
    """The recipient's username from the email's tags (SES gives each tag as a list of values)."""
    values = (mail.get("tags") or {}).get("username") or []
    try:
        return base64url.decode(values[0]).decode() if values else None
    except (binascii.Error, ValueError):
        return None


def _time(text: str | None) -> str:
    """SES's timestamp as the ISO form our sort keys use (``+00:00``, not ``Z``)."""
    try:
        return datetime.fromisoformat(str(text)).astimezone(UTC).isoformat()
    except ValueError:
        return datetime.now(UTC).isoformat()


def _feedback_id(message: dict[str, Any], report: dict[str, Any]) -> str:
    """The report's id (the key of its once-only effects); the email's message id if SES gave none."""
    return str(report.get("feedbackId") or (message.get("mail") or {}).get("messageId") or "unknown")


def _note(username: str, kind: str, feedback_id: str, address: str, at: str) -> dict[str, Any]:
    nid = note_id(f"{feedback_id}/{address}", f"email_{kind}")
    item = {**db.notification_key(username, at, nid), "id": nid, "type": f"email_{kind}", "leed_id": "",
            "message": MESSAGES[kind].format(address=address), "created_at": at}
    return {"Put": {"Item": db.to_ddb(item), "ConditionExpression": "attribute_not_exists(pk)"}}


def _apply(kind: str, feedback_id: str, address: str, reason: str, at: str, username: str | None) -> bool:
    writes = [suppression.suppress(address, kind, reason, at, username)]
    if username:
        writes.append(_note(username, kind, feedback_id, address, at))
    return effects.once(FUNCTION, feedback_id, writes, part=address.lower())


def bounce(message: dict[str, Any]) -> dict[str, Any]:
    report, username = message.get("bounce") or {}, username_of(message.get("mail") or {})
    feedback_id, at = _feedback_id(message, report), _time(report.get("timestamp"))
    addresses = [r["emailAddress"] for r in report.get("bouncedRecipients") or [] if r.get("emailAddress")]
    if report.get("bounceType") == "Permanent":
        reason = f"bounce: {report.get('bounceSubType') or 'General'}"
        applied = [_apply(suppression.BOUNCED, feedback_id, a, reason, at, username) for a in addresses]
        return {"suppressed": sum(applied)}
    counted = [effects.once(FUNCTION, feedback_id, [suppression.count_transient(a, at)], part=a.lower())
               for a in addresses]
    return {"transient": sum(counted)}


def complaint(message: dict[str, Any]) -> dict[str, Any]:
    report, username = message.get("complaint") or {}, username_of(message.get("mail") or {})
    feedback_id, at = _feedback_id(message, report), _time(report.get("timestamp"))
    reason = f"complaint: {report.get('complaintFeedbackType') or 'unspecified'}"
    applied = [_apply(suppression.COMPLAINED, feedback_id, r["emailAddress"], reason, at, username)
               for r in report.get("complainedRecipients") or [] if r.get("emailAddress")]
    return {"suppressed": sum(applied)}


def ignored(kind: str) -> dict[str, Any]:
    logger.info("SES event with nothing to do", extra={"event_type": kind})
    return {"ignored": kind}
