"""Counters for ``GET /_local/stats``: invocations per function by outcome, AWS calls per service/operation."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._invocations: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._async: dict[str, int] = defaultdict(int)

    def invocation(self, function: str, outcome: str) -> None:
        with self._lock:
            self._invocations[function][outcome] += 1

    def aws_calls(self, counts: dict[str, int]) -> None:
        """``counts`` maps ``"service:Operation"`` to a number, as a worker reports after each invocation."""
        with self._lock:
            for key, n in counts.items():
                service, _, operation = key.partition(":")
                self._calls[service][operation] += n

    def async_event(self, what: str) -> None:
        with self._lock:
            self._async[what] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "invocations": {f: dict(o) for f, o in sorted(self._invocations.items())},
                "aws_calls": {s: dict(o) for s, o in sorted(self._calls.items())},
                "async": dict(self._async),
            }
