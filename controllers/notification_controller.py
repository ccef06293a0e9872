"""Notification controller (async): in-app notifications. ``leedSold`` (fired by buy_leed) tells the seller
and the buyer, exactly once per leed (``shared.notifications``); an unknown function raises."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import notifications
from shared.observability import logger, metrics, traced


@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path="correlation_id")
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    match event["function"]:
        case "leedSold":
            applied = notifications.leed_sold(event["leed_id"])
        case _:
            raise ValueError(f"notification_controller has no function {event['function']!r}")
    if applied:  # seller and buyer; a repeated event adds nothing
        metrics.add_metric(name="InAppNotifications", unit="Count", value=2)
    result = {"function": event["function"], "leed_id": event["leed_id"], "applied": applied}
    logger.info("notified" if applied else "already notified", extra=result)
    return result
