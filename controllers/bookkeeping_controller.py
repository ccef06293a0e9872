"""Bookkeeping controller (async): trade and user counters and the sales ledger.

Fired by add_leed (``recordPost``), buy_leed (``recordSale``) and delete_leed (``recordWithdrawal``). Each
function is exactly-once per leed (``shared.bookkeeping``); an unknown function or a missing leed raises, so
Lambda retries and then hands the event to the failure destination.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import bookkeeping
from shared.observability import logger, metrics, traced

# One count per business effect, emitted only when it was applied: a repeated event adds nothing, so the
# CloudWatch figures match the counters.
EFFECT_METRIC = {"recordPost": "LeedsPosted", "recordSale": "LeedsSold", "recordWithdrawal": "LeedsWithdrawn"}


@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path="correlation_id")
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    match event["function"]:
        case "recordPost":
            applied = bookkeeping.record_post(event["leed_id"])
        case "recordSale":
            applied = bookkeeping.record_sale(event["leed_id"])
        case "recordWithdrawal":
            applied = bookkeeping.record_withdrawal(event["leed_id"])
        case _:
            raise ValueError(f"bookkeeping_controller has no function {event['function']!r}")
    if applied:
        metrics.add_metric(name=EFFECT_METRIC[event["function"]], unit="Count", value=1)
    result = {"function": event["function"], "leed_id": event["leed_id"], "applied": applied}
    logger.info("recorded" if applied else "already recorded", extra=result)
    return result
