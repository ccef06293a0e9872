"""The emulator's data kept beside it: DynamoDB items and S3 objects as they are after each request that
changed them (written before the request is answered, by ``aws/durable.py``), read back into a new emulator at
start-up. Through the data's own shapes (items, objects), never by pickling moto or replaying requests (a replay
would fire S3 notifications and emails again)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

from infra.local.state.store import Store


class SavedData:
    def __init__(self, store: Store) -> None:
        self._store = store

    def item(self, table: str, key: dict[str, Any], item: dict[str, Any] | None) -> None:
        """The item at ``key`` is now ``item`` (None: deleted)."""
        key_text = json.dumps(key, sort_keys=True)
        if item is None:
            self._store.execute("DELETE FROM items WHERE table_name = ? AND key = ?", (table, key_text))
        else:
            self._store.execute("INSERT OR REPLACE INTO items (table_name, key, item) VALUES (?, ?, ?)",
                                (table, key_text, json.dumps(item)))

    def obj(self, bucket: str, key: str, body: bytes | None, metadata: dict[str, str] | None = None) -> None:
        """The object at ``bucket``/``key`` is now ``body`` (None: deleted)."""
        if body is None:
            self._store.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        else:
            self._store.execute("INSERT OR REPLACE INTO objects (bucket, key, body, metadata) VALUES (?, ?, ?, ?)",
                                (bucket, key, body, json.dumps(metadata or {})))

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for row in self._store.rows("SELECT table_name, item FROM items"):
            yield row["table_name"], json.loads(row["item"])

    def objects(self) -> Iterator[tuple[str, str, bytes, dict[str, str]]]:
        for row in self._store.rows("SELECT bucket, key, body, metadata FROM objects"):
            yield row["bucket"], row["key"], bytes(row["body"]), json.loads(row["metadata"])

    def empty(self) -> bool:
        return not self._store.rows("SELECT 1 FROM items LIMIT 1")

    def secret(self, name: str) -> bytes:
        """A signing key made once and kept: tokens and links signed with it stay valid across restarts."""
        with self._store.transaction() as db:
            row = db.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()
            if row is None:
                value = secrets.token_bytes(32)
                db.execute("INSERT INTO secrets (name, value) VALUES (?, ?)", (name, value))
                return value
            return bytes(row["value"])
