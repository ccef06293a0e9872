"""Email controller (async): ``notifyUsers`` (fired by add_leed, and by itself to continue a large fan-out)
``sendSaleReceipts`` (fired by buy_leed), ``reportLeed`` (the admins get a report) and ``confirmErasure`` (the
last email of an erased account). Each email goes out once per recipient (``shared.fanout``,
``shared.receipts``); an unknown function or a missing leed raises, so Lambda retries and then hands the
event to the failure destination.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import account_mail, fanout, receipts
from shared.observability import logger, metrics, traced


@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path="correlation_id")
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    match event["function"]:
        case "notifyUsers":
            outcome: dict[str, Any] = fanout.notify_users(
                event["leed_id"], event["correlation_id"], context,
                batch=int(event.get("batch", 0)), start=event.get("start"))
        case "sendSaleReceipts":
            outcome = receipts.send_sale_receipts(event["leed_id"], context)
        case "reportLeed":
            outcome = account_mail.send_report(event["leed_id"], event["username"], context)
        case "confirmErasure":
            outcome = account_mail.confirm_erasure(event["username"], context)
        case _:
            raise ValueError(f"email_controller has no function {event['function']!r}")
    result = {"function": event["function"], "leed_id": event.get("leed_id"), **outcome}
    logger.info("emails handled", extra=result)
    return result
