"""The local stack's log lines: ``Prefix | {json}``, the prefix a function's logical id (or ``local``)."""

from __future__ import annotations

import json
from typing import Any


def log(prefix: str, **fields: Any) -> None:
    print(f"{prefix} | {json.dumps(fields, default=str)}", flush=True)


def correlation(event: Any) -> str | None:
    """The correlation id an event carries: a controller event's own, or an API request's id."""
    if not isinstance(event, dict):
        return None
    return event.get("correlation_id") or (event.get("requestContext") or {}).get("requestId")
