"""notifyUsers: email every subscriber of a leed's trade but its seller, at any size, each one once.

- Subscribers come from the trade's list on ``gsi1`` (``SUBS#{trade}``), a paginated Query, 50 a page.
- One static SES template (``shared.ses_templates``): the leed's fields, the subscriber's name and link go as
  template data, never into template source; one ``SendBulkEmail`` per page, each destination with its own
  ``List-Unsubscribe`` link and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058).
- Each page ("batch" n) is sent at most once (``shared.idempotent``): its saved result is the cursor of the
  next page, so a retried or duplicated event walks the batches already sent without sending them again.
- When the invocation's remaining time runs low, or ``FANOUT_BATCHES_PER_INVOCATION`` batches were handled,
  the cursor goes to a new Event invoke of this same function; the hand-off is itself once per batch number,
  so a retry that reaches the same point does not start a second chain.
- Suppressed addresses (bounced, complained) are left out by ``shared.mail``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients, config, db, dispatch, mail, send_pacing, ses_templates, unsubscribe
from shared.errors import LeedMissing
from shared.formatting import dollars, trade_label, when
from shared.idempotent import run_once
from shared.observability import logger, metrics
from shared.ses_feedback import tag_value
from shared.users import display_name

PAGE_SIZE = mail.MAX_DESTINATIONS
# Stop taking new batches when less than this is left: one page (a Query, a paced send) must fit in it.
RESERVE_MILLIS = 30_000


def batches_per_invocation() -> int:
    return max(1, int(config.optional("FANOUT_BATCHES_PER_INVOCATION", "100")))


def _leed_values(leed: dict[str, Any]) -> dict[str, str]:
    """The leed's part of the template data: user text as typed (``shared.ses_templates`` escapes it for HTML)."""
    return {
        "title": leed["title"], "trade_label": trade_label(leed["trade"]), "when": when(leed["start"], leed["end"]),
        "zip": leed["zip"], "price": dollars(leed["price_cents"]), "seller": display_name(leed["seller"]),
        "url": f"{config.app_url()}/leeds/{leed['id']}",
    }


def _destination(subscriber: dict[str, Any], leed_values: dict[str, str]) -> mail.Destination:
    """One subscriber's email: their name and link in the data, their link in the RFC 8058 headers too."""
    url = unsubscribe.link(subscriber["username"], subscriber["trade"], subscriber.get("created_at", ""))
    values = {**leed_values, "name": subscriber.get("name") or subscriber["username"], "unsubscribe_url": url}
    return mail.Destination(
        address=subscriber["email"], data=ses_templates.data(values),
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        tags={"username": tag_value(subscriber["username"]), "kind": "new-leed"})


def _page(trade: str, start: dict[str, Any] | None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    kwargs: dict[str, Any] = {
        "IndexName": db.GSI1, "Limit": PAGE_SIZE,
        "KeyConditionExpression": "gsi1pk = :pk",
        "ExpressionAttributeValues": db.values(pk=f"SUBS#{trade}"),
    }
    if start:
        kwargs["ExclusiveStartKey"] = db.to_ddb(start)
    return db.query(**kwargs)


class _Run:
    """One invocation's share of a leed's fan-out."""

    def __init__(self, leed: dict[str, Any], context: LambdaContext | None) -> None:
        self.leed = leed
        self.context = context
        self.values: dict[str, str] | None = None
        self.pacer: send_pacing.AccountPacer | None = None

    def send_batch(self, unit: dict[str, Any]) -> dict[str, Any]:
        """Send one page; the result (saved by the idempotency record) is where the next page starts."""
        subscribers, after = _page(self.leed["trade"], unit["start"])
        recipients = [s for s in subscribers if s.get("email") and s["username"] != self.leed["seller"]]
        accepted = 0
        if recipients:
            if self.values is None:
                self.values = _leed_values(self.leed)
            if self.pacer is None:
                self.pacer = send_pacing.AccountPacer(mail.max_send_rate())  # one rate for all senders
            accepted = mail.send_bulk(ses_templates.new_leed_template(),
                                      [_destination(s, self.values) for s in recipients], self.pacer)
        metrics.add_metric(name="FanoutEmails", unit="Count", value=accepted)
        return {"next": after, "sent": accepted}

    def time_is_short(self) -> bool:
        return self.context is not None and self.context.get_remaining_time_in_millis() < RESERVE_MILLIS


def _self_invoke(unit: dict[str, Any]) -> dict[str, Any]:
    """The continuation goes to this very function (its name from the runtime), not a second controller."""
    fields = {k: unit[k] for k in ("leed_id", "batch", "start")}
    payload = dispatch.event("notifyUsers", unit["correlation_id"], **fields)
    clients.lambda_().invoke(FunctionName=os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or
                             config.controller_function("email"),
                             InvocationType="Event", Payload=json.dumps(payload).encode())
    return {"fired": True}


def notify_users(leed_id: str, correlation_id: str, context: LambdaContext | None = None,
                 batch: int = 0, start: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send batches from ``batch``/``start`` on; returns what this invocation did."""
    leed = db.get(db.leed_key(leed_id), consistent=True)
    if leed is None:
        raise LeedMissing(f"leed {leed_id} does not exist")
    if leed.get("status") != "for_sale":
        # Sold or withdrawn: there is nothing left to offer, so the fan-out stops here, whether it never began,
        # is a continuation, or is Lambda's retry of one that failed halfway.
        logger.info("leed no longer for sale, fan-out stops",
                    extra={"leed_id": leed_id, "status": leed.get("status"), "batch": batch})
        return {"batches": 0, "sent": 0, "done": True}
    run = _Run(leed, context)
    handled, sent = 0, 0
    while True:
        unit = {"leed_id": leed_id, "batch": batch, "start": start}
        result = run_once(run.send_batch, unit, leed_id=leed_id, key_fields="[leed_id, batch]", context=context)
        handled, sent, batch, start = handled + 1, sent + result["sent"], batch + 1, result["next"]
        if start is None:
            return {"batches": handled, "sent": sent, "done": True}
        if handled >= batches_per_invocation() or run.time_is_short():
            hand = {"leed_id": leed_id, "batch": batch, "start": start, "correlation_id": correlation_id}
            fired = run_once(_self_invoke, hand, leed_id=leed_id, key_fields="[leed_id, batch]", context=context)
            logger.info("fan-out continues in a new invocation",
                        extra={"leed_id": leed_id, "batch": batch, "fired": fired})
            return {"batches": handled, "sent": sent, "done": False, "next_batch": batch}
