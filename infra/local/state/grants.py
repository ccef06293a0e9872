"""What the local sign-in endpoints (``http/oauth.py``) hand out and take back: authorization codes (single
use) and refresh tokens, kept with the rest of the state so a signed-in browser stays signed in across restarts."""

from __future__ import annotations

import json
from typing import Any

from infra.local.state.store import Store


class Grants:
    def __init__(self, store: Store) -> None:
        self._store = store

    def put(self, kind: str, token: str, value: dict[str, Any]) -> None:
        self._store.execute("INSERT OR REPLACE INTO grants (kind, token, value) VALUES (?, ?, ?)",
                            (kind, token, json.dumps(value)))

    def get(self, kind: str, token: str) -> dict[str, Any] | None:
        rows = self._store.rows("SELECT value FROM grants WHERE kind = ? AND token = ?", (kind, token))
        return json.loads(rows[0]["value"]) if rows else None

    def take(self, kind: str, token: str) -> dict[str, Any] | None:
        """The grant, removed in the same step: a second taker gets None (a code is spent by its first use)."""
        with self._store.transaction() as db:
            row = db.execute("SELECT value FROM grants WHERE kind = ? AND token = ?", (kind, token)).fetchone()
            db.execute("DELETE FROM grants WHERE kind = ? AND token = ?", (kind, token))
        return json.loads(row["value"]) if row else None

    def forget_user(self, kind: str, username: str) -> None:
        """Every grant of ``kind`` held for ``username`` dropped (their account was deleted)."""
        self._store.execute("DELETE FROM grants WHERE kind = ? AND json_extract(value, '$.username') = ?",
                            (kind, username))
