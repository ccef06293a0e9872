"""The one place the local stack keeps what it remembers (besides the AWS resources moto holds).

SQLite from the standard library: made for durability, queried with SQL (stats are ``GROUP BY`` over the
history instead of counters kept beside it), and a file instead of ``:memory:`` is all it takes to keep the
state across restarts. One connection shared by every thread, behind a lock: the writes are tiny (a row per
invocation, attempt or email) and SQLite serialises writers anyway.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (          -- every time a function's handler ran (sync or async)
    id INTEGER PRIMARY KEY, function TEXT NOT NULL, request_id TEXT NOT NULL, correlation_id TEXT,
    started REAL NOT NULL, duration_ms INTEGER NOT NULL, outcome TEXT NOT NULL, error TEXT,
    calls TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS runs_by_request ON runs (request_id);
CREATE INDEX IF NOT EXISTS runs_by_correlation ON runs (correlation_id);
CREATE TABLE IF NOT EXISTS deliveries (    -- every async event accepted (each copy of a duplicated one)
    id INTEGER PRIMARY KEY, function TEXT NOT NULL, request_id TEXT NOT NULL, correlation_id TEXT,
    payload TEXT NOT NULL, accepted REAL NOT NULL, duplicate INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'Event', status TEXT NOT NULL DEFAULT 'pending', next_attempt REAL,
    condition TEXT, destination TEXT, record TEXT, finished REAL, redriven INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS deliveries_by_function ON deliveries (function);
CREATE INDEX IF NOT EXISTS deliveries_by_request ON deliveries (request_id);
CREATE TABLE IF NOT EXISTS attempts (      -- each attempt of a delivery
    id INTEGER PRIMARY KEY, delivery INTEGER NOT NULL REFERENCES deliveries (id), number INTEGER NOT NULL,
    started REAL NOT NULL, duration_ms INTEGER NOT NULL, outcome TEXT NOT NULL, error TEXT);
CREATE INDEX IF NOT EXISTS attempts_by_delivery ON attempts (delivery);
CREATE TABLE IF NOT EXISTS emails (        -- each recipient's copy of each email sent
    id INTEGER PRIMARY KEY, sent REAL NOT NULL, source TEXT NOT NULL, recipient TEXT NOT NULL,
    subject TEXT NOT NULL, html TEXT, text TEXT);
CREATE TABLE IF NOT EXISTS items (         -- DynamoDB items as the emulator holds them (DynamoDB JSON)
    table_name TEXT NOT NULL, key TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (table_name, key));
CREATE TABLE IF NOT EXISTS objects (       -- S3 objects: bytes and metadata
    bucket TEXT NOT NULL, key TEXT NOT NULL, body BLOB NOT NULL, metadata TEXT NOT NULL,
    PRIMARY KEY (bucket, key));
CREATE TABLE IF NOT EXISTS grants (        -- sign-in codes and refresh tokens the local OAuth endpoints issued
    kind TEXT NOT NULL, token TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, token));
CREATE TABLE IF NOT EXISTS secrets (       -- signing keys, so tokens stay valid across restarts
    name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""
# What "back to the demo data" empties (secrets stay: tokens and links issued stay valid).
RESETTABLE = ("attempts", "deliveries", "runs", "emails", "items", "objects")

# Columns added since a state file may have been saved: added to such a file when it opens (ALTER TABLE ADD
# COLUMN keeps its rows). emails.raw: the MIME message when the sender gave one.
ADDED_COLUMNS = {"emails": {"headers": "TEXT NOT NULL DEFAULT '{}'", "raw": "TEXT"}}


def where(conditions: list[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """`` WHERE a AND b`` from (clause with one ``?``, value) pairs whose value is set; the values to bind."""
    kept = [(clause, value) for clause, value in conditions if value is not None]
    if not kept:
        return "", []
    return " WHERE " + " AND ".join(clause for clause, _ in kept), [value for _, value in kept]


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        """``path``: a file keeps the state across restarts. Every write is committed before it returns
        (autocommit), and a committed write is in the OS's hands: it survives the process being killed.
        WAL with ``synchronous=NORMAL`` skips the fsync per commit that only a power cut would need."""
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        for table, columns in ADDED_COLUMNS.items():
            have = {row["name"] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, declaration in columns.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write; the new row's id."""
        with self._lock:
            return int(self._db.execute(sql, tuple(params)).lastrowid or 0)

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        with self.transaction() as db:
            db.executemany(sql, [tuple(r) for r in rows])

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def clear(self, *tables: str) -> None:
        with self.transaction() as db:
            for table in tables:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names

    def close(self) -> None:
        with self._lock:
            self._db.close()
