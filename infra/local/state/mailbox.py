"""Every email the emulator sent, as each recipient got it (``GET /_local/emails``), oldest first."""

from __future__ import annotations

import time
from typing import Any

from infra.local.state.store import Store, where


class Mailbox:
    def __init__(self, store: Store) -> None:
        self._store = store

    def record(self, source: str, recipients: list[str], subject: str, html: str | None, text: str | None) -> None:
        """One copy per recipient: a bulk send to 50 is 50 emails, each with its own personalisation."""
        now = time.time()
        self._store.executemany(
            "INSERT INTO emails (sent, source, recipient, subject, html, text) VALUES (?, ?, ?, ?, ?, ?)",
            [(now, source, address, subject, html, text) for address in recipients])

    def items(self, to: str | None = None, subject: str | None = None, limit: int | None = None
              ) -> list[dict[str, Any]]:
        """Filtered by recipient (exact, case-insensitive) and subject (contains); ``limit`` keeps the newest."""
        clause, params = where([("recipient = ? COLLATE NOCASE", to or None),
                                ("instr(lower(subject), lower(?)) > 0", subject or None)])
        sql = f"SELECT * FROM emails{clause} ORDER BY id DESC"  # noqa: S608 - values are bound
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = self._store.rows(sql, params)
        return [{"source": r["source"], "to": [r["recipient"]], "subject": r["subject"], "html": r["html"],
                 "text": r["text"]} for r in reversed(rows)]

    def clear(self) -> None:
        self._store.clear("emails")
