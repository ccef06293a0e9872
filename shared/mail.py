"""Sending through SES v2: one email, or one SES template sent to up to 50 personalised destinations a call.

- Every email comes from ``SENDER_NAME <SENDER_EMAIL>`` and goes through the configuration set
  (``SES_CONFIGURATION_SET``), whose event destination reports bounces and complaints (``shared.ses_feedback``).
- Suppressed addresses (``shared.suppression``) are dropped here, before any send, whatever the email.
- Bulk sends go through ``SendBulkEmail`` (v1's ``SendBulkTemplatedEmail`` cannot set headers): each destination
  carries its own template data, tags and ``ReplacementHeaders`` (the fan-out's ``List-Unsubscribe`` pair).
- ``Pacer`` keeps the send rate at or under the account's ``MaxSendRate``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formataddr

from botocore.exceptions import BotoCoreError, ClientError

from shared import clients, config, suppression, warm_caches
from shared.formatting import header_safe
from shared.observability import logger

MAX_DESTINATIONS = 50  # SES's limit per SendBulkEmail call
# Per-destination statuses worth another try in the same invocation (SES v2 BulkEmailStatus; the rest are final:
# a rejected message, a paused account); resending only these keeps every other recipient at exactly one email.
RETRYABLE = {"ACCOUNT_THROTTLED", "TRANSIENT_FAILURE", "FAILED"}
ATTEMPTS = 3

# The quota changes rarely; one GetSendQuota per warm container per few minutes is plenty.
_QUOTA_TTL_SECONDS = 300.0
_quota: dict[str, float] = {}


@dataclass(frozen=True)
class Destination:
    """One recipient of a bulk send: the address, the template data, message headers and event tags."""

    address: str
    data: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


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


def sender() -> str:
    """``leedz <noreply@...>``: the display name quoted as RFC 5322 needs it."""
    return formataddr((config.sender_name(), config.sender_email()))


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in tags.items()]


def _routing() -> dict[str, str]:
    configuration_set = config.configuration_set()
    return {"ConfigurationSetName": configuration_set} if configuration_set else {}


def send_one(to: str, subject: str, html: str, text: str, tags: dict[str, str] | None = None) -> str | None:
    """One transactional email (no list headers); the SES message id, or None for a suppressed address."""
    if suppression.suppressed([to]):
        logger.info("address suppressed, email not sent", extra={"tags": tags or {}})
        return None
    resp = clients.sesv2().send_email(
        FromEmailAddress=sender(),
        Destination={"ToAddresses": [to]},
        Content={"Simple": {
            "Subject": {"Data": header_safe(subject), "Charset": "UTF-8"},
            "Body": {"Html": {"Data": html, "Charset": "UTF-8"}, "Text": {"Data": text, "Charset": "UTF-8"}},
        }},
        EmailTags=_tags(tags or {}),
        **_routing(),
    )
    return str(resp["MessageId"])


def _entry(d: Destination) -> dict[str, object]:
    entry: dict[str, object] = {
        "Destination": {"ToAddresses": [d.address]},
        "ReplacementEmailContent": {"ReplacementTemplate": {"ReplacementTemplateData": json.dumps(d.data)}},
        "ReplacementTags": _tags(d.tags),
    }
    if d.headers:
        entry["ReplacementHeaders"] = [{"Name": k, "Value": v} for k, v in d.headers.items()]
    return entry


def send_bulk(template: str, destinations: list[Destination], pacer: Pacer) -> int:
    """Send ``template`` to each destination but the suppressed; returns how many SES accepted.

    Destinations SES refuses for a passing reason are retried (only those); a final refusal is logged (never
    the address at INFO) and counted, not raised: raising would make Lambda resend the whole batch. For the same
    reason, once the first call went out, an error on a resend ends the resends instead of raising.
    """
    blocked = suppression.suppressed([d.address for d in destinations])
    pending = [d for d in destinations if d.address not in blocked]
    if blocked:
        logger.info("suppressed addresses left out", extra={"template": template, "suppressed": len(blocked)})
    accepted = 0
    for attempt in range(ATTEMPTS):
        if not pending:
            return accepted
        pacer.wait(len(pending))
        try:
            resp = clients.sesv2().send_bulk_email(
                FromEmailAddress=sender(),
                DefaultContent={"Template": {"TemplateName": template, "TemplateData": "{}"}},
                BulkEmailEntries=[_entry(d) for d in pending],
                **_routing(),
            )
        except (ClientError, BotoCoreError):
            if attempt == 0:
                raise  # nothing went out: Lambda's retry sends the batch
            logger.exception("SES resend failed", extra={"template": template, "unsent": len(pending)})
            return accepted
        statuses = [r.get("Status", "SUCCESS") for r in resp.get("BulkEmailEntryResults", [])]
        statuses += ["SUCCESS"] * (len(pending) - len(statuses))
        accepted += statuses.count("SUCCESS")
        retry = [d for d, s in zip(pending, statuses, strict=True) if s in RETRYABLE]
        refused = len(pending) - statuses.count("SUCCESS") - len(retry)
        if refused:
            logger.warning("SES refused recipients for good", extra={"template": template, "refused": refused})
        if not retry:
            return accepted
        pending = retry
        if attempt + 1 < ATTEMPTS:
            pacer.sleep(0.5 * 2**attempt)
    logger.error("SES kept refusing recipients", extra={"template": template, "unsent": len(pending)})
    return accepted
