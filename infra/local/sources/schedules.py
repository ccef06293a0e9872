"""Schedule events (EventBridge ``rate(...)`` rules) as AWS sends them to their function."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra.local.sam.model import ACCOUNT, REGION, Function

_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}


def interval(expression: str, override: float | None = None) -> float:
    """Seconds between runs of ``rate(...)``; ``override`` (``LEEDZ_SCHEDULE_SECONDS``) wins, and stands in
    for cron."""
    if override:
        return override
    match = _RATE.fullmatch(expression.strip())
    return int(match.group(1)) * _UNIT[match.group(2).rstrip("s")] if match else 60.0


def event(fn: Function, now: datetime | None = None) -> dict[str, Any]:
    """The event EventBridge delivers for ``fn``'s schedule rule."""
    now = now or datetime.now(UTC)
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": ACCOUNT, "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{fn.name}-schedule"], "detail": {},
    }


def start(functions: dict[str, Function], submit: Callable[[str, Any], str], stop: threading.Event,
          override: float | None = None) -> list[threading.Thread]:
    """One daemon thread per schedule, submitting its event asynchronously until ``stop`` is set."""

    def run(fn: Function, seconds: float) -> None:
        while not stop.wait(seconds):
            submit(fn.name, event(fn))

    threads = [threading.Thread(target=run, args=(fn, interval(expr, override)), daemon=True,
                                name=f"schedule-{fn.name}")
               for fn in functions.values() for expr in fn.schedules]
    for thread in threads:
        thread.start()
    return threads
