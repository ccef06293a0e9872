"""Sending through SES: one email, or one SES template sent to up to 50 personalised destinations a call.

Bulk sends go through ``SendBulkTemplatedEmail`` with a per-leed SES template made from the jinja2 rendering
(see ``shared.fanout``): SES calls stay near 20 per 1,000 recipients while every recipient still gets their
own name and unsubscribe link. ``Pacer`` keeps the send rate at or under the account's ``MaxSendRate``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from shared import clients, config, warm_caches
from shared.formatting import header_safe
from shared.observability import logger

MAX_DESTINATIONS = 50  # SES's limit per SendBulkTemplatedEmail call
# Per-destination statuses worth another try in the same invocation (the rest are final: a bad address, a
# suppressed recipient); resending only these keeps every other recipient at exactly one email.
RETRYABLE = {"AccountThrottled", "TransientFailure", "Failed"}
ATTEMPTS = 3

# The quota changes rarely; one GetSendQuota per warm container per few minutes is plenty.
_QUOTA_TTL_SECONDS = 300.0
_quota: dict[str, float] = {}


def max_send_rate(now: Callable[[], float] = time.monotonic) -> float:
    if _quota and now() - _quota["at"] < _QUOTA_TTL_SECONDS:
        return _quota["rate"]
    rate = float(clients.ses().get_send_quota()["MaxSendRate"])
    _quota.update(rate=max(rate, 0.1), at=now())
    return _quota["rate"]


@warm_caches.forgets
def forget_quota() -> None:
    _quota.clear()


@dataclass
class Pacer:
    """Waits before each call so that ``recipients / elapsed`` never exceeds ``rate`` (emails per second).

    Hand-written because it is six lines and needs the SES quota, which no rate-limit package knows about.
    """

    rate: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: float = field(default=0.0, init=False)

    def wait(self, recipients: int) -> None:
        delay = self._next - self.clock()
        if delay > 0:
            self.sleep(delay)
        self._next = max(self._next, self.clock()) + recipients / self.rate


def send_one(to: str, subject: str, html: str, text: str) -> str:
    """One email to one address; returns the SES message id."""
    resp = clients.ses().send_email(
        Source=config.sender_email(),
        Destination={"ToAddresses": [to]},
        Message={
            "Subject": {"Data": header_safe(subject), "Charset": "UTF-8"},
            "Body": {"Html": {"Data": html, "Charset": "UTF-8"}, "Text": {"Data": text, "Charset": "UTF-8"}},
        },
    )
    return resp["MessageId"]


def ensure_ses_template(name: str, subject: str, html: str, text: str) -> None:
    """Create the SES template, or leave it if a retry already made it (same name, same content)."""
    try:
        clients.ses().create_template(Template={
            "TemplateName": name, "SubjectPart": header_safe(subject), "HtmlPart": html, "TextPart": text,
        })
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "AlreadyExists":
            raise


def delete_ses_template(name: str) -> bool:
    """SES keeps at most 20,000 templates per account, so a finished fan-out removes its own. Looks first:
    deleting a template that is not there is an error on some SES implementations (moto among them)."""
    try:
        clients.ses().get_template(TemplateName=name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "TemplateDoesNotExist":
            return False
        raise
    clients.ses().delete_template(TemplateName=name)
    return True


def send_bulk(template: str, destinations: list[tuple[str, dict[str, str]]], pacer: Pacer) -> int:
    """Send ``template`` to each ``(address, personal data)``; returns how many were accepted.

    Destinations SES refuses for a passing reason are retried (only those); a final refusal is logged (never
    the address at INFO) and counted, not raised: raising would make Lambda resend the whole batch. For the same
    reason, once the first call went out, an error on a resend ends the resends instead of raising.
    """
    pending = destinations
    accepted = 0
    for attempt in range(ATTEMPTS):
        pacer.wait(len(pending))
        try:
            resp = clients.ses().send_bulk_templated_email(
                Source=config.sender_email(),
                Template=template,
                DefaultTemplateData="{}",
                Destinations=[{"Destination": {"ToAddresses": [address]},
                               "ReplacementTemplateData": json.dumps(data)} for address, data in pending],
            )
        except (ClientError, BotoCoreError):
            if attempt == 0:
                raise  # nothing went out: Lambda's retry sends the batch
            logger.exception("SES resend failed", extra={"template": template, "unsent": len(pending)})
            return accepted
        statuses = [s.get("Status", "Success") for s in resp.get("Status", [])] or ["Success"] * len(pending)
        accepted += statuses.count("Success")
        retry = [d for d, s in zip(pending, statuses, strict=False) if s in RETRYABLE]
        refused = len(pending) - statuses.count("Success") - len(retry)
        if refused:
            logger.warning("SES refused recipients for good", extra={"template": template, "refused": refused})
        if not retry:
            return accepted
        pending = retry
        if attempt + 1 < ATTEMPTS:
            pacer.sleep(0.5 * 2**attempt)
    logger.error("SES kept refusing recipients", extra={"template": template, "unsent": len(pending)})
    return accepted
