"""Signed one-click unsubscribe links: ``{PUBLIC_BASE_URL}/unsubscribe?token=...``.

The token is ``base64url(json [username, trade]) . base64url(HMAC-SHA256)``: anyone holding the link can
unsubscribe that one user from that one trade and nothing else, with no login (the point of a mail link).

The signing key is 32 random bytes created on first use in the table (a conditional put, so every function
converges on one key) and cached per cold start. Why not a template parameter or Secrets Manager: the two
functions that need it already have the table, the key never appears in the template, the console or an
environment variable, and the local stack needs nothing extra. Rotating it (delete the item) voids old links.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import secrets
from urllib.parse import quote

from botocore.exceptions import ClientError

from shared import base64url, config, db, subscriptions, warm_caches
from shared.errors import Forbidden
from shared.trades import CATALOGUE

KEY_ITEM = {"pk": "CONFIG#unsubscribe-key", "sk": "CONFIG"}
_cached: dict[str, bytes] = {}


def signing_key() -> bytes:
    table = config.table_name()
    if table in _cached:
        return _cached[table]
    item = db.get(KEY_ITEM, consistent=True)
    if item is None:
        try:
            db.put({**KEY_ITEM, "key": base64url.encode(secrets.token_bytes(32))}, condition="attribute_not_exists(pk)")
        except ClientError as exc:
            if not db.is_condition_failure(exc):
                raise
        item = db.get(KEY_ITEM, consistent=True) or {}
    _cached[table] = base64url.decode(item["key"])
    return _cached[table]


def _mac(payload: str) -> str:
    return base64url.encode(hmac.new(signing_key(), payload.encode(), hashlib.sha256).digest())


def token(username: str, trade: str) -> str:
    payload = base64url.encode(json.dumps([username, trade], separators=(",", ":")).encode())
    return f"{payload}.{_mac(payload)}"


def link(username: str, trade: str) -> str:
    return f"{config.public_base_url()}/unsubscribe?token={quote(token(username, trade))}"


def verify(value: str) -> tuple[str, str]:
    """(username, trade) of a genuine token; ``Forbidden`` for anything else, without saying what is wrong."""
    invalid = Forbidden("This unsubscribe link is not valid.")
    payload, _, mac = value.partition(".")
    # A genuine token is base64url, so ASCII; compare_digest also refuses non-ASCII str with a TypeError.
    if not payload or not mac or len(value) > 1000 or not value.isascii():
        raise invalid
    if not hmac.compare_digest(_mac(payload), mac):
        raise invalid
    try:
        username, trade = json.loads(base64url.decode(payload))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise invalid from exc
    if not isinstance(username, str) or trade not in CATALOGUE:
        raise invalid
    return username, trade


def unsubscribe_by_token(value: str) -> str:
    """Unsubscribe the token's user from its trade (idempotent: a second click changes nothing); the trade."""
    username, trade = verify(value)
    subscriptions.unsubscribe(username, trade)
    return trade


@warm_caches.forgets
def forget_key() -> None:
    """Tests: read the key from the table again."""
    _cached.clear()
