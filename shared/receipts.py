"""sendSaleReceipts: after a sale, the buyer gets the leed's full details and the seller a sale notice.

Each email is sent at most once per leed (``shared.idempotent``), whatever the correlation id of a repeat.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import db, mail
from shared.errors import LeedMissing
from shared.formatting import dollars, trade_label, when
from shared.idempotent import run_once
from shared.observability import logger, metrics
from shared.rendering import render_email
from shared.ses_feedback import tag_value
from shared.users import display_name

# (role, template, whose profile receives it)
RECEIPTS = (("buyer", "sale_receipt_buyer", "buyer"), ("seller", "sale_notice_seller", "seller"))


def _leed_context(leed: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": leed["id"], "title": leed["title"], "trade_label": trade_label(leed["trade"]),
        "when": when(leed["start"], leed["end"]), "zip": leed["zip"], "address": leed["address"],
        "details": leed.get("details") or "", "price": dollars(leed["price_cents"]),
        "seller": display_name(leed["seller"]), "buyer": display_name(leed["buyer"]),
        "sold_at": leed.get("sold_at", ""),
    }


def _send(unit: dict[str, Any]) -> dict[str, Any]:
    profile = db.get(db.profile_key(unit["username"]), consistent=True) or {}
    address = profile.get("email")
    if not address:
        logger.warning("no email address, receipt not sent", extra={"leed_id": unit["leed_id"], "role": unit["role"]})
        return {"sent": False}
    context = {"leed": unit["leed"], "recipient_name": profile.get("name") or unit["username"]}
    subject, html, text = render_email(unit["template"], context)
    tags = {"username": tag_value(unit["username"]), "kind": unit["template"].replace("_", "-")}
    message_id = mail.send_one(address, subject, html, text, tags)  # transactional: no list headers
    if message_id is None:
        return {"sent": False, "suppressed": True}
    metrics.add_metric(name="SaleEmails", unit="Count", value=1)  # here, not in the caller: this runs once
    return {"sent": True, "message_id": message_id}


def send_sale_receipts(leed_id: str, context: LambdaContext | None = None) -> dict[str, bool]:
    leed = db.get(db.leed_key(leed_id), consistent=True)
    if leed is None or leed.get("status") != "sold":
        raise LeedMissing(f"leed {leed_id} is not a sold leed")  # never normal: retry, then the failure queue
    shown = _leed_context(leed)
    sent = {}
    for role, template, field in RECEIPTS:
        unit = {"leed_id": leed_id, "role": role, "template": template, "username": leed[field], "leed": shown}
        result = run_once(_send, unit, leed_id=leed_id, key_fields="[leed_id, role]", context=context)
        sent[role] = bool(result.get("sent"))
    return sent
