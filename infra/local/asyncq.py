"""Asynchronous invocation with Lambda's semantics (InvocationType Event, S3 and schedule events).

Accepted at once; attempts with retries (``LEEDZ_RETRY_DELAY`` seconds, doubling, instead of Lambda's minutes)
up to ``MaximumRetryAttempts``; ``MaximumEventAgeInSeconds`` ends retrying with condition EventAgeExceeded;
then the destination record AWS sends goes to OnFailure (or OnSuccess). Fault injection exercises the
controllers' idempotency: ``LEEDZ_FAULT_RATE`` fails an attempt (half before, half after the handler ran) and
``LEEDZ_DUPLICATE_RATE`` delivers an accepted event twice.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from infra.local.logs import correlation, log
from infra.local.stats import Stats
from infra.local.template import Destination, Function
from infra.local.workers import Result

INJECTED = {"errorMessage": "Injected fault (LEEDZ_FAULT_RATE)", "errorType": "Local.InjectedFault"}


@dataclass
class Settings:
    retry_delay: float = 1.0
    fault_rate: float = 0.0
    duplicate_rate: float = 0.0
    seed: int | None = None


@dataclass
class _Event:
    fn: Function
    payload: Any
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    accepted: float = field(default_factory=time.time)


class AsyncInvoker:
    def __init__(
        self,
        functions: dict[str, Function],
        invoke: Callable[[str, Any, str], Result],
        deliver: Callable[[Destination, dict[str, Any]], None],
        stats: Stats,
        settings: Settings,
    ) -> None:
        self._functions, self._invoke, self._deliver = functions, invoke, deliver
        self._stats, self._settings = stats, settings
        self._random = random.Random(settings.seed)  # noqa: S311 - fault injection, not security
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def submit(self, function: str, payload: Any) -> str:
        """Accept an event for ``function`` (a logical id); returns the request id."""
        event = _Event(self._functions[function], payload)
        copies = 2 if self._roll(self._settings.duplicate_rate) else 1
        if copies == 2:
            self._stats.async_event("duplicated")
        with self._lock:
            self._pending += copies
        for _ in range(copies):
            threading.Thread(target=self._run, args=(event,), daemon=True).start()
        self._stats.async_event("accepted")
        return event.request_id

    def _roll(self, rate: float) -> bool:
        with self._lock:
            return rate > 0 and self._random.random() < rate

    def _attempt(self, event: _Event) -> Result:
        """One attempt. An injected fault is counted under ``async`` (the function's own invocation counts say
        what the handler did: it never ran before a fault, it ran and succeeded under one after it) and logged."""
        if self._roll(self._settings.fault_rate):
            when = "before" if self._roll(0.5) else "after"
            ran = self._invoke(event.fn.name, event.payload, event.request_id) if when == "after" else None
            self._stats.async_event(f"injected_{when}")
            log(event.fn.name, type="INJECTED", when=when, request_id=event.request_id,
                correlation_id=correlation(event.payload))
            return Result(False, INJECTED, event.request_id, ran.duration_ms if ran else 0, f"injected_{when}",
                          ran.calls if ran else {})
        return self._invoke(event.fn.name, event.payload, event.request_id)

    def _run(self, event: _Event) -> None:
        try:
            self._run_attempts(event)
        finally:
            with self._lock:
                self._pending -= 1

    def _run_attempts(self, event: _Event) -> None:
        fn, attempts, delay = event.fn, 0, self._settings.retry_delay
        result: Result | None = None
        condition = "RetriesExhausted"
        while True:
            attempts += 1
            result = self._attempt(event)
            if result.ok:
                self._finish(event, fn.on_success, "Success", attempts, result)
                return
            if attempts > fn.retries:
                break
            age_left = fn.max_age - (time.time() - event.accepted)
            if delay >= age_left:  # too old by the time of the retry: discarded then, not after the wait
                time.sleep(max(0.0, age_left))
                condition = "EventAgeExceeded"
                break
            time.sleep(delay)
            delay *= 2
            self._stats.async_event("retried")
        self._stats.async_event(condition)
        self._finish(event, fn.on_failure, condition, attempts, result)

    def _finish(self, event: _Event, dest: Destination | None, condition: str, attempts: int,
                result: Result | None) -> None:
        if dest is None:
            return
        record: dict[str, Any] = {
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "requestContext": {
                "requestId": event.request_id,
                "functionArn": f"{event.fn.arn}:$LATEST",
                "condition": condition,
                "approximateInvokeCount": attempts,
            },
            "requestPayload": event.payload,
        }
        if result is not None:
            response = {"statusCode": 200, "executedVersion": "$LATEST"}
            if not result.ok:
                response["functionError"] = "Unhandled"
            record["responseContext"] = response
            record["responsePayload"] = json.loads(result.payload) if result.ok else result.payload
        self._deliver(dest, record)
