"""``GET /_local/stats``, computed from the history: invocations per function by outcome, AWS calls per
service and operation (in total and per function), invocation durations, and the async events' fates."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from infra.local.state.store import Store


def _nested() -> defaultdict[str, Any]:
    return defaultdict(_nested)


def _plain(tree: Any) -> Any:
    return {k: _plain(v) for k, v in sorted(tree.items())} if isinstance(tree, dict) else tree


def snapshot(store: Store) -> dict[str, Any]:
    invocations: defaultdict[str, Any] = _nested()
    for row in store.rows("SELECT function, outcome, count(*) AS n FROM runs GROUP BY function, outcome"):
        invocations[row["function"]][row["outcome"]] = row["n"]
    durations = {row["function"]: {"count": row["n"], "total_ms": row["total"], "max_ms": row["longest"]}
                 for row in store.rows("SELECT function, count(*) AS n, sum(duration_ms) AS total,"
                                       " max(duration_ms) AS longest FROM runs GROUP BY function")}
    calls: defaultdict[str, Any] = _nested()
    by_function: defaultdict[str, Any] = _nested()
    for row in store.rows("SELECT function, calls FROM runs WHERE calls != '{}'"):
        for key, n in json.loads(row["calls"]).items():
            service, _, operation = key.partition(":")
            calls[service][operation] = calls[service].get(operation, 0) + n
            per = by_function[row["function"]][service]
            per[operation] = per.get(operation, 0) + n
    return {"invocations": _plain(invocations), "aws_calls": _plain(calls),
            "aws_calls_by_function": _plain(by_function), "durations": dict(sorted(durations.items())),
            "async": _async(store)}


def _async(store: Store) -> dict[str, int]:
    """What became of async events: accepted, duplicated, retried, injected faults, how retrying ended."""
    counts = {
        "accepted": "SELECT count(*) FROM deliveries WHERE duplicate = 0",
        "duplicated": "SELECT count(*) FROM deliveries WHERE duplicate = 1",
        "retried": "SELECT count(*) FROM attempts WHERE number > 1",
        "injected_before": "SELECT count(*) FROM attempts WHERE outcome = 'injected_before'",
        "injected_after": "SELECT count(*) FROM attempts WHERE outcome = 'injected_after'",
        "RetriesExhausted": "SELECT count(*) FROM deliveries WHERE condition = 'RetriesExhausted'",
        "EventAgeExceeded": "SELECT count(*) FROM deliveries WHERE condition = 'EventAgeExceeded'",
    }
    found = {name: int(store.rows(sql)[0][0]) for name, sql in counts.items()}
    return {name: n for name, n in found.items() if n}
