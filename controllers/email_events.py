"""Email events controller (SNS): what SES publishes about sent email, through the configuration set's event
destination topic. Each SNS record's message is one SES event, dispatched by its type (``eventType``, or
``notificationType`` for identity notifications) with ``match``; the work is in ``shared.ses_feedback``.

A record whose message is not JSON is logged and skipped (retrying cannot fix it); an AWS error raises, so
Lambda retries the delivery (SNS invokes asynchronously) and then hands it to the failure destination. Every
effect is once per report and address, so SNS's at-least-once delivery changes nothing twice.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import ses_feedback
from shared.observability import logger, metrics, traced


def dispatch(message: dict[str, Any]) -> dict[str, Any]:
    kind = str(message.get("eventType") or message.get("notificationType") or "")
    match kind:
        case "Bounce":
            outcome = ses_feedback.bounce(message)
        case "Complaint":
            outcome = ses_feedback.complaint(message)
        case _:  # Send, Delivery, DeliveryDelay, Reject, Open, Click, ...: nothing to act on
            outcome = ses_feedback.ignored(kind)
    return {"type": kind, **outcome}


@metrics.log_metrics
@logger.inject_lambda_context
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    results = []
    for record in event.get("Records", []):
        try:
            message = json.loads(record["Sns"]["Message"])
        except (KeyError, TypeError, ValueError):
            logger.error("SNS record without an SES event, skipped", extra={"record": str(record)[:500]})
            continue
        results.append(dispatch(message))
    suppressed = sum(r.get("suppressed", 0) for r in results)
    if suppressed:
        metrics.add_metric(name="SuppressedAddresses", unit="Count", value=suppressed)
    logger.info("SES events handled", extra={"results": results})
    return {"results": results}
