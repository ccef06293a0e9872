"""What happened in the background: every handler run, every async event with its attempts and where it ended.

The failure records (``GET /_local/failed``) are the deliveries that ended at an OnFailure destination and were
neither redriven nor purged: one source, so they cannot disagree with the invocation history.
"""

from __future__ import annotations

import json
import time
from typing import Any

from infra.local.state.store import Store, where

PENDING, SUCCEEDED, FAILED = "pending", "success", "failure"


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


class History:
    def __init__(self, store: Store) -> None:
        self._store = store

    # ------------------------------------------------------------------ writes
    def ran(self, function: str, request_id: str, correlation_id: str | None, started: float, duration_ms: int,
            outcome: str, error: str | None, calls: dict[str, int]) -> None:
        self._store.execute(
            "INSERT INTO runs (function, request_id, correlation_id, started, duration_ms, outcome, error, calls)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (function, request_id, correlation_id, started, duration_ms, outcome, error, _json(calls)))

    def accepted(self, function: str, request_id: str, correlation_id: str | None, payload: Any,
                 duplicate: bool = False, source: str = "Event") -> int:
        """A new delivery (one per copy of an event); its id."""
        return self._store.execute(
            "INSERT INTO deliveries (function, request_id, correlation_id, payload, accepted, duplicate, source,"
            " next_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (function, request_id, correlation_id, _json(payload), time.time(), int(duplicate), source,
             time.time()))

    def attempted(self, delivery: int, number: int, started: float, duration_ms: int, outcome: str,
                  error: str | None, next_attempt: float | None) -> None:
        with self._store.transaction() as db:
            db.execute("INSERT INTO attempts (delivery, number, started, duration_ms, outcome, error)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (delivery, number, started, duration_ms, outcome, error))
            db.execute("UPDATE deliveries SET next_attempt = ? WHERE id = ?", (next_attempt, delivery))

    def finished(self, delivery: int, condition: str, destination: str | None,
                 record: dict[str, Any] | None) -> None:
        status = SUCCEEDED if condition == "Success" else FAILED
        self._store.execute(
            "UPDATE deliveries SET status = ?, condition = ?, destination = ?, record = ?, finished = ?,"
            " next_attempt = NULL WHERE id = ?",
            (status, condition, destination, _json(record) if record else None, time.time(), delivery))

    # ------------------------------------------------------------------ failure records
    _OPEN_FAILURES = ("FROM deliveries WHERE status = 'failure' AND record IS NOT NULL AND redriven = 0")

    def failures(self) -> list[dict[str, Any]]:
        """Records that reached an OnFailure destination, oldest first."""
        return [json.loads(r["record"]) for r in self._store.rows(f"SELECT record {self._OPEN_FAILURES} ORDER BY id")]

    def take_failures(self, request_ids: set[str] | None = None, purge: bool = False) -> list[tuple[str, Any]]:
        """Mark open failure records (all, or those of ``request_ids``) redriven, or purged; their
        (function, payload)."""
        with self._store.transaction() as db:
            rows = db.execute(f"SELECT id, function, request_id, payload {self._OPEN_FAILURES} ORDER BY id").fetchall()
            taken = [r for r in rows if request_ids is None or r["request_id"] in request_ids]
            db.executemany("UPDATE deliveries SET redriven = ? WHERE id = ?",
                           [(2 if purge else 1, r["id"]) for r in taken])
        return [(r["function"], json.loads(r["payload"])) for r in taken]

    # ------------------------------------------------------------------ reads
    def invocations(self, function: str | None = None, correlation_id: str | None = None,
                    limit: int = 200) -> list[dict[str, Any]]:
        """Async invocations, newest first, each with its attempts and where it ended."""
        clause, params = where([("function = ?", function), ("correlation_id = ?", correlation_id)])
        sql = f"SELECT * FROM deliveries{clause} ORDER BY id DESC LIMIT ?"  # noqa: S608 - values are bound
        deliveries = self._store.rows(sql, [*params, limit])
        attempts: dict[int, list[dict[str, Any]]] = {}
        if deliveries:
            marks = ",".join("?" * len(deliveries))
            for row in self._store.rows(f"SELECT * FROM attempts WHERE delivery IN ({marks}) ORDER BY id",  # noqa: S608
                                        [d["id"] for d in deliveries]):
                attempts.setdefault(row["delivery"], []).append(
                    {"number": row["number"], "start": row["started"], "duration_ms": row["duration_ms"],
                     "outcome": row["outcome"], "error": row["error"]})
        return [{"id": d["id"], "function": d["function"], "request_id": d["request_id"],
                 "correlation_id": d["correlation_id"], "event": json.loads(d["payload"]), "source": d["source"],
                 "accepted": d["accepted"], "duplicate": bool(d["duplicate"]), "status": d["status"],
                 "next_attempt": d["next_attempt"], "condition": d["condition"], "destination": d["destination"],
                 "redriven": d["redriven"] == 1, "attempts": attempts.get(d["id"], [])} for d in deliveries]

    def unfinished(self) -> list[dict[str, Any]]:
        """Deliveries accepted but not finished (the stack stopped, or was killed, during them), oldest first,
        with the attempts already made."""
        rows = self._store.rows(
            "SELECT d.*, (SELECT count(*) FROM attempts a WHERE a.delivery = d.id) AS attempts"
            " FROM deliveries d WHERE status = 'pending' ORDER BY id")
        return [{"delivery": r["id"], "function": r["function"], "request_id": r["request_id"],
                 "payload": json.loads(r["payload"]), "accepted": r["accepted"], "attempts": r["attempts"]}
                for r in rows]

    def open_failures(self) -> list[tuple[str, dict[str, Any]]]:
        """(destination ARN, record) of each failure record not redriven or purged: what the failure queues
        hold."""
        return [(r["destination"], json.loads(r["record"]))
                for r in self._store.rows(f"SELECT destination, record {self._OPEN_FAILURES} ORDER BY id")]

    def runs(self, correlation_id: str | None = None, function: str | None = None,
             limit: int = 200) -> list[dict[str, Any]]:
        """Handler runs, oldest first; ``async`` tells an attempt of a delivery from a synchronous run (an HTTP
        request's, or a RequestResponse invoke), so a correlation id's chain can start at its request."""
        clause, params = where([("correlation_id = ?", correlation_id), ("function = ?", function)])
        sql = ("SELECT *, EXISTS (SELECT 1 FROM deliveries d WHERE d.request_id = runs.request_id) AS async"  # noqa: S608
               f" FROM runs{clause} ORDER BY id DESC LIMIT ?")  # values are bound
        return [{"function": r["function"], "request_id": r["request_id"], "correlation_id": r["correlation_id"],
                 "start": r["started"], "duration_ms": r["duration_ms"], "outcome": r["outcome"],
                 "error": r["error"], "async": bool(r["async"]), "calls": json.loads(r["calls"])}
                for r in reversed(self._store.rows(sql, [*params, limit]))]
