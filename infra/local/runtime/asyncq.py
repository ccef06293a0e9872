"""Asynchronous invocation with Lambda's semantics (InvocationType Event, S3 and schedule events).

Accepted at once; attempts with retries (``LEEDZ_RETRY_DELAY`` seconds, doubling, instead of Lambda's minutes)
up to ``MaximumRetryAttempts``; ``MaximumEventAgeInSeconds`` ends retrying with condition EventAgeExceeded;
then the destination record AWS sends goes to OnFailure (or OnSuccess). Fault injection exercises the
controllers' idempotency: ``LEEDZ_FAULT_RATE`` fails an attempt (half before, half after the handler ran) and
``LEEDZ_DUPLICATE_RATE`` delivers an accepted event twice. Every step is written to the history.

A function's ``ReservedConcurrentExecutions`` bounds how many of its events run at once; an event over it is
throttled as Lambda throttles it: it waits (without using an attempt) until an instance is free, for as long as
its maximum event age allows, and then goes to OnFailure with EventAgeExceeded; it is never dropped.
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
from infra.local.runtime.workers import Outcome, Result
from infra.local.sam.model import Destination, Function
from infra.local.state.history import History

INJECTED = {"errorMessage": "Injected fault (LEEDZ_FAULT_RATE)", "errorType": "Local.InjectedFault"}
THROTTLED = {"errorMessage": "Rate Exceeded.", "errorType": "TooManyRequestsException"}


@dataclass(frozen=True)
class Chaos:
    retry_delay: float = 1.0
    fault_rate: float = 0.0
    duplicate_rate: float = 0.0
    seed: int | None = None


@dataclass
class _Event:
    fn: Function
    payload: Any
    delivery: int
    request_id: str
    accepted: float = field(default_factory=time.time)


class AsyncInvoker:
    def __init__(
        self,
        functions: dict[str, Function],
        invoke: Callable[[str, Any, str], Result],
        deliver: Callable[[Destination, dict[str, Any]], None],
        history: History,
        chaos: Chaos,
    ) -> None:
        self._functions, self._invoke, self._deliver = functions, invoke, deliver
        self._history, self._chaos = history, chaos
        self._random = random.Random(chaos.seed)  # noqa: S311 - fault injection, not security
        self._lock = threading.Lock()
        self._running = 0
        self._slots = {name: threading.Semaphore(fn.reserved) for name, fn in functions.items()
                       if fn.reserved is not None}

    @property
    def pending(self) -> int:
        """Events accepted whose delivery (attempts, retries, destination) is not over."""
        with self._lock:
            return self._running

    def submit(self, function: str, payload: Any, source: str = "Event") -> str:
        """Accept an event for ``function`` (a logical id); returns the request id."""
        fn = self._functions[function]
        request_id = str(uuid.uuid4())
        copies = 2 if self._roll(self._chaos.duplicate_rate) else 1
        events = [_Event(fn, payload, self._history.accepted(fn.name, request_id, correlation(payload), payload,
                                                             duplicate=copy > 0, source=source), request_id)
                  for copy in range(copies)]
        with self._lock:
            self._running += copies
        for event in events:
            threading.Thread(target=self._run, args=(event,), daemon=True, name=f"async-{fn.name}").start()
        return request_id

    def resume(self, unfinished: list[dict[str, Any]]) -> int:
        """Carry on with deliveries a previous run accepted but did not finish: the next attempt at once, with
        the attempts already made counted and the event's age kept (at least once: the controllers'
        idempotency keeps a repeated attempt to one effect)."""
        events = [(_Event(self._functions[row["function"]], row["payload"], row["delivery"], row["request_id"],
                          row["accepted"]), row["attempts"])
                  for row in unfinished if row["function"] in self._functions]
        with self._lock:
            self._running += len(events)
        for event, made in events:
            threading.Thread(target=self._run, args=(event, made), daemon=True,
                             name=f"async-{event.fn.name}").start()
        return len(events)

    def _roll(self, rate: float) -> bool:
        with self._lock:
            return rate > 0 and self._random.random() < rate

    def _attempt(self, event: _Event) -> Result:
        """One attempt, once the function has a free instance within its reserved concurrency."""
        slot = self._slots.get(event.fn.name)
        if slot is None:
            return self._attempt_now(event)
        if not slot.acquire(blocking=False):
            log(event.fn.name, type="THROTTLED", request_id=event.request_id, reserved=event.fn.reserved,
                correlation_id=correlation(event.payload))
            if not slot.acquire(timeout=max(0.0, event.accepted + event.fn.max_age - time.time())):
                return Result(False, THROTTLED, event.request_id, 0, Outcome.THROTTLED)
        try:
            return self._attempt_now(event)
        finally:
            slot.release()

    def _attempt_now(self, event: _Event) -> Result:
        """One attempt. An injected fault is an attempt outcome of its own (the function's runs say what the
        handler did: it never ran before a fault, it ran and succeeded under one after it) and logged."""
        if self._roll(self._chaos.fault_rate):
            outcome = Outcome.INJECTED_BEFORE if self._roll(0.5) else Outcome.INJECTED_AFTER
            started = time.time()
            ran = self._invoke(event.fn.name, event.payload, event.request_id) \
                if outcome is Outcome.INJECTED_AFTER else None
            log(event.fn.name, type="INJECTED", when=outcome.value.removeprefix("injected_"),
                request_id=event.request_id, correlation_id=correlation(event.payload))
            return Result(False, INJECTED, event.request_id, ran.duration_ms if ran else 0, outcome,
                          ran.calls if ran else {}, started)
        return self._invoke(event.fn.name, event.payload, event.request_id)

    def _run(self, event: _Event, made: int = 0) -> None:
        try:
            self._run_attempts(event, made)
        finally:
            with self._lock:
                self._running -= 1

    def _run_attempts(self, event: _Event, made: int = 0) -> None:
        fn, attempts, delay = event.fn, made, self._chaos.retry_delay * 2 ** max(0, made - 1)
        condition = "RetriesExhausted"
        while True:
            attempts += 1
            result = self._attempt(event)
            if result.outcome is Outcome.THROTTLED:  # waited its whole age for an instance: never ran
                self._record(event, attempts, result, None)
                condition = "EventAgeExceeded"
                break
            if result.ok:
                self._record(event, attempts, result, None)
                self._finish(event, fn.on_success, "Success", attempts, result)
                return
            if attempts > fn.retries:
                self._record(event, attempts, result, None)
                break
            age_left = fn.max_age - (time.time() - event.accepted)
            if delay >= age_left:  # too old by the time of the retry: discarded then, not after the wait
                self._record(event, attempts, result, None)
                time.sleep(max(0.0, age_left))
                condition = "EventAgeExceeded"
                break
            self._record(event, attempts, result, time.time() + delay)
            time.sleep(delay)
            delay *= 2
        self._finish(event, fn.on_failure, condition, attempts, result)

    def _record(self, event: _Event, number: int, result: Result, next_attempt: float | None) -> None:
        self._history.attempted(event.delivery, number, result.started, result.duration_ms, result.outcome.value,
                                result.error, next_attempt)

    def _finish(self, event: _Event, dest: Destination | None, condition: str, attempts: int,
                result: Result) -> None:
        record = None if dest is None else destination_record(event.fn, event.request_id, event.payload,
                                                                  condition, attempts, result)
        self._history.finished(event.delivery, condition, dest.target if dest else None, record)
        if dest is not None and record is not None:
            self._deliver(dest, record)


def destination_record(fn: Function, request_id: str, payload: Any, condition: str, attempts: int,
                       result: Result) -> dict[str, Any]:
    """The record Lambda sends to an OnSuccess/OnFailure destination."""
    return {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "requestContext": {
            "requestId": request_id,
            "functionArn": f"{fn.arn}:$LATEST",
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": payload,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                            **({} if result.ok else {"functionError": "Unhandled"})},
        "responsePayload": json.loads(result.payload) if result.ok else result.payload,
    }
