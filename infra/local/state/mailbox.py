"""Every email the emulator sent, as each recipient got it (``GET /_local/emails``), oldest first."""

from __future__ import annotations

import binascii
import hashlib
import json
import time
from email.header import Header
from email.utils import formatdate, make_msgid
from typing import Any

from infra.local.state.store import Store, where


def _headers(source: str, recipient: str, subject: str, sent: float, extra: dict[str, str] | None
             ) -> dict[str, str]:
    """What the recipient's server would see (RFC 5322's required headers, SES's ``Message-ID`` form), then
    whatever the sender set (a raw message's own headers, SES v2's ``Headers``)."""
    return {"From": source, "To": recipient, "Subject": subject, "Date": formatdate(sent, usegmt=True),
            "Message-ID": make_msgid(domain="email.amazonses.com"), "MIME-Version": "1.0", **(extra or {})}


def _header(name: str, value: str) -> str:
    return f"{name}: {value if value.isascii() else Header(value, 'utf-8').encode()}"


def _part(subtype: str, body: str) -> str:
    # quoted-printable: lines within RFC 5322's 998 characters whatever the template, ASCII-safe for any server
    encoded = binascii.b2a_qp(body.replace("\r\n", "\n").encode()).decode()
    return f"Content-Type: text/{subtype}; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n{encoded}"


def _mime(headers: dict[str, str], html: str | None, text: str | None) -> str:
    """The MIME message SES would build from the parts (multipart/alternative when both). Written out by hand:
    the ``email`` package takes about 5 ms a message, 100 s for a 20,000-recipient fan-out's mailbox. Lines end
    in LF, as the ``email`` package's ``as_string`` ends them (a server would see CRLF)."""
    lines = [_header(name, value) for name, value in headers.items()
             if name.lower() not in ("content-type", "content-transfer-encoding", "mime-version")]
    lines.append("MIME-Version: 1.0")
    parts = [_part(subtype, body) for subtype, body in (("plain", text), ("html", html)) if body is not None]
    if len(parts) < 2:
        return "\n".join(lines) + "\n" + (parts[0] if parts else _part("plain", ""))
    boundary = "=_" + hashlib.sha1(headers.get("Message-ID", "").encode()).hexdigest()  # noqa: S324 - a label
    body = "".join(f"--{boundary}\n{part}\n" for part in parts)
    return "\n".join(lines) + f'\nContent-Type: multipart/alternative; boundary="{boundary}"\n\n{body}--{boundary}--\n'


class Mailbox:
    def __init__(self, store: Store) -> None:
        self._store = store

    def record(self, source: str, recipients: list[str], subject: str, html: str | None, text: str | None,
               headers: dict[str, str] | None = None, raw: str | None = None) -> None:
        """One copy per recipient: a bulk send to 50 is 50 emails, each with its own personalisation.
        ``headers``: what the sender set beyond From/To/Subject; ``raw``: the MIME message it sent, if any."""
        now = time.time()
        self._store.executemany(
            "INSERT INTO emails (sent, source, recipient, subject, html, text, headers, raw)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(now, source, address, subject, html, text,
              json.dumps(_headers(source, address, subject, now, headers)), raw) for address in recipients])

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
        out = []
        for r in reversed(rows):
            headers = json.loads(r["headers"]) or _headers(r["source"], r["recipient"], r["subject"], r["sent"], None)
            out.append({"id": r["id"], "sent": r["sent"], "source": r["source"], "to": [r["recipient"]],
                        "subject": r["subject"], "html": r["html"], "text": r["text"], "headers": headers,
                        "raw": r["raw"] or _mime(headers, r["html"], r["text"])})
        return out

    def html(self, email_id: int) -> str | None:
        """One email's HTML part (None when there is no such email or it has none)."""
        rows = self._store.rows("SELECT html FROM emails WHERE id = ?", [email_id])
        return rows[0]["html"] if rows else None

    def clear(self) -> None:
        self._store.clear("emails")
