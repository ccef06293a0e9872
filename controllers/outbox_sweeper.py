"""Outbox sweeper (EventBridge schedule, every minute): re-fires controller events that a request committed
but could not deliver (the invoke failed or the process died after the write). See ``shared.outbox``.

"Now" is the scheduled event's ``time``: the rule's own clock, which also lets a test or a console event
sweep as of any moment. Controllers are idempotent, so an event fired twice has one effect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import outbox
from shared.observability import logger, traced


def _event_time(event: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    except (KeyError, AttributeError, ValueError):
        return None  # not a scheduled event (a manual invoke): sweep as of now


@logger.inject_lambda_context
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    delivered = outbox.sweep(now=_event_time(event))
    logger.info("outbox swept", extra={"delivered": delivered})
    return {"delivered": delivered}
