"""One Logger, one Metrics and one Tracer per process; every module logs through these.

The correlation id is the API Gateway request id in handlers; controllers set it from the event, so a request
and every effect it causes can be followed across functions in the logs, and in X-Ray: ``traced`` puts it on
each invocation's trace as the ``correlation_id`` annotation (X-Ray filter: annotation.correlation_id = "...").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger(service="leedz")
metrics = Metrics(namespace="Leedz", service="leedz")


def _tracing_disabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in ("1", "true", "yes", "on")


# No Tracer at all where tracing is off (tests, the local stack: POWERTOOLS_TRACE_DISABLED): even disabled,
# creating one imports and sets up the X-Ray SDK, 0.2-1 s per process on a busy machine.
tracer: Tracer | None = None if _tracing_disabled() else Tracer(service="leedz")

Handler = TypeVar("Handler", bound=Callable[..., Any])


def traced(handler: Handler) -> Handler:
    """A Lambda handler traced by X-Ray, with the correlation id as an annotation. Apply it inside
    ``logger.inject_lambda_context`` (which sets the id). Responses are not recorded: they hold users' data."""

    @wraps(handler)
    def annotated(event: Any, context: Any) -> Any:
        if tracer is not None:
            tracer.put_annotation(key="correlation_id", value=logger.get_correlation_id() or "none")
        return handler(event, context)

    annotated.traced = True  # type: ignore[attr-defined]  # copied onto every wrapper above (functools.wraps)
    if tracer is None:
        return annotated  # type: ignore[return-value]
    return tracer.capture_lambda_handler(annotated, capture_response=False)  # type: ignore[return-value]
