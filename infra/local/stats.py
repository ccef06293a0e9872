"""Counters for ``GET /_local/stats``: invocations per function by outcome, AWS calls per service/operation
(in total and per function), and each function's invocation durations (count, total, longest)."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._invocations: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        # function -> "service" -> "Operation" -> n: which function made a call (the request path's own
        # calls vs its controllers', e.g. bench/post_latency.py)
        self._calls_by_function: dict[str, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int)))
        # function -> count / total_ms / max_ms: the longest invocation against the function's timeout
        self._durations: dict[str, dict[str, int]] = defaultdict(lambda: {"count": 0, "total_ms": 0, "max_ms": 0})
        self._async: dict[str, int] = defaultdict(int)

    def invocation(self, function: str, outcome: str, duration_ms: int | None = None) -> None:
        with self._lock:
            self._invocations[function][outcome] += 1
            if duration_ms is not None:
                durations = self._durations[function]
                durations["count"] += 1
                durations["total_ms"] += duration_ms
                durations["max_ms"] = max(durations["max_ms"], duration_ms)

    def aws_calls(self, counts: dict[str, int], function: str | None = None) -> None:
        """``counts`` maps ``"service:Operation"`` to a number, as a worker reports after each invocation."""
        with self._lock:
            for key, n in counts.items():
                service, _, operation = key.partition(":")
                self._calls[service][operation] += n
                if function is not None:
                    self._calls_by_function[function][service][operation] += n

    def async_event(self, what: str) -> None:
        with self._lock:
            self._async[what] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "invocations": {f: dict(o) for f, o in sorted(self._invocations.items())},
                "aws_calls": {s: dict(o) for s, o in sorted(self._calls.items())},
                "aws_calls_by_function": {f: {s: dict(o) for s, o in sorted(calls.items())}
                                          for f, calls in sorted(self._calls_by_function.items())},
                "durations": {f: dict(d) for f, d in sorted(self._durations.items())},
                "async": dict(self._async),
            }
