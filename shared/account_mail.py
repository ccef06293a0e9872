"""Emails about reports and accounts, sent by the email controller: ``reportLeed`` (the admins get the leed and
the reason) and ``confirmErasure`` (the erased user gets a last email saying it is done).

Each goes out once (``shared.idempotent.run_once``, keyed by the report or the erasure), whatever the retries.
The admins' address is the stack's ``AdminEmail`` parameter (``ADMIN_EMAIL``); a stack without one sends no
report email and says so in its log (the report itself is kept either way).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import config, db, mail
from shared.errors import LeedMissing
from shared.formatting import dollars, trade_label, when
from shared.idempotent import run_once
from shared.observability import logger
from shared.rendering import render_email


def _send_report(unit: dict[str, Any]) -> dict[str, Any]:
    subject, html, text = render_email("leed_reported", unit["context"])
    return {"sent": True, "message_id": mail.send_one(unit["to"], subject, html, text)}


def send_report(leed_id: str, reporter: str, context: LambdaContext | None = None) -> dict[str, Any]:
    from shared.reports import report_key

    report = db.get(report_key(leed_id, reporter), consistent=True)
    leed = db.get(db.leed_key(leed_id), consistent=True)
    if report is None or leed is None:
        raise LeedMissing(f"no report of leed {leed_id} by {reporter}")  # never normal: retry, then failure queue
    admins = config.optional("ADMIN_EMAIL", "")
    if not admins:
        logger.warning("no AdminEmail: report kept, no email sent", extra={"leed_id": leed_id})
        return {"sent": False}
    shown = {"id": leed_id, "title": leed["title"], "trade_label": trade_label(leed["trade"]),
             "when": when(leed["start"], leed["end"]), "zip": leed["zip"], "price": dollars(leed["price_cents"]),
             "seller": leed["seller"], "status": leed["status"].replace("_", " ")}
    unit = {"leed_id": leed_id, "reporter": reporter, "to": admins,
            "context": {"leed": shown, "reporter": reporter, "reason": report["reason"],
                        "reports": int(leed.get("report_count") or 0), "hidden": bool(leed.get("hidden")),
                        "link": f"{config.app_url()}/leeds/{leed_id}"}}
    return run_once(_send_report, unit, leed_id=leed_id, key_fields="[leed_id, reporter]", context=context)


def _send_confirmation(unit: dict[str, Any]) -> dict[str, Any]:
    subject, html, text = render_email("account_erased", {"username": unit["username"]})
    return {"sent": True, "message_id": mail.send_one(unit["to"], subject, html, text)}


def confirm_erasure(username: str, context: LambdaContext | None = None) -> dict[str, Any]:
    """The last email of an erased account, to the address the erasure record keeps for it (then dropped)."""
    from shared.erasure import erasure_key, forget_address

    record = db.get(erasure_key(username), consistent=True)
    if record is None or not record.get("done_at"):
        raise LookupError(f"no finished erasure of {username}")  # never normal: retry, then failure queue
    if not record.get("email"):
        return {"sent": False}  # sent already, and the address forgotten
    unit = {"username": username, "to": record["email"], "leed_id": f"erasure-{username}"}
    result = run_once(_send_confirmation, unit, leed_id=unit["leed_id"], key_fields="[username]", context=context)
    forget_address(username)
    return result
