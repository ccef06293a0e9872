"""Account controller (async): ``eraseAccount`` (fired by ``DELETE /users/me``) erases an account step by step
(``shared.erasure``); safe to run again, so Lambda's retries finish an interrupted erasure. A controller of
its own because it fires the bookkeeping controller (withdrawals) and the email controller (the last email):
a function's role cannot name its own ARN, so it cannot be one of those two.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import erasure
from shared.observability import logger, metrics, traced


@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path="correlation_id")
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    match event["function"]:
        case "eraseAccount":
            outcome = erasure.erase_account(event["username"], event["correlation_id"])
        case _:
            raise ValueError(f"account_controller has no function {event['function']!r}")
    if outcome.get("erased"):
        metrics.add_metric(name="AccountsErased", unit="Count", value=1)
    logger.info("account erasure handled", extra={"function": event["function"], **outcome})
    return {"function": event["function"], **outcome}
