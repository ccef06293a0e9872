"""Signed unsubscribe links: ``{PUBLIC_BASE_URL}/unsubscribe?token=...``, in every fan-out email's body and in
its ``List-Unsubscribe`` header.

The token is ``base64url(json claims) . base64url(HMAC-SHA256)``; the claims are the user, the trade, the
subscription's ``created_at``, an expiry and the id of the key that signed it. Anyone holding the link can
unsubscribe that one user from that one subscription and nothing else, with no login (the point of a mail link).
Binding the subscription's creation time means a link from an old email cannot undo a newer subscription to
the same trade. Links live ``VALID_DAYS`` (mail is read, and clicked, long after it was sent).

The signing key is a Secrets Manager secret (``UNSUBSCRIBE_KEY_SECRET``), readable only by the two functions
that sign and verify: not in the data table, where any function with table access could read it. The key id
is the secret's version id, so rotating the secret (a new version) keeps older links valid for as long as
their version exists; deleting a version voids its links. Keys are cached per container.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from shared import base64url, clients, config, subscriptions, warm_caches
from shared.errors import Forbidden
from shared.trades import CATALOGUE

VALID_DAYS = 400
KEY_ID = re.compile(r"[A-Za-z0-9-]{32,64}")  # a Secrets Manager version id (VersionId's constraints)
MAX_TOKEN = 1000
_keys: dict[str, bytes] = {}  # key id -> key; "" -> the current key id


def _load(version: str | None) -> tuple[str, bytes]:
    kwargs: dict[str, Any] = {"SecretId": config.unsubscribe_key_secret()}
    if version:
        kwargs["VersionId"] = version
    resp = clients.secretsmanager().get_secret_value(**kwargs)
    return str(resp["VersionId"]), str(resp["SecretString"]).encode()


def current_key() -> tuple[str, bytes]:
    if "" not in _keys:
        kid, key = _load(None)
        _keys[kid], _keys[""] = key, kid.encode()
    kid = _keys[""].decode()
    return kid, _keys[kid]


def _key(kid: str) -> bytes | None:
    """The key of version ``kid``; None when there is no such version (a forged or voided link)."""
    if kid not in _keys:
        try:
            _keys[kid] = _load(kid)[1]
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("ResourceNotFoundException", "InvalidRequestException",
                                                 "ValidationException", "InvalidParameterException"):
                return None
            raise
    return _keys[kid]


def _mac(key: bytes, payload: str) -> str:
    return base64url.encode(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def token(username: str, trade: str, created_at: str, now: float | None = None) -> str:
    kid, key = current_key()
    claims = {"u": username, "t": trade, "c": created_at, "e": int((now or time.time()) + VALID_DAYS * 86400),
              "k": kid}
    payload = base64url.encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"{payload}.{_mac(key, payload)}"


def link(username: str, trade: str, created_at: str) -> str:
    return f"{config.public_base_url()}/unsubscribe?token={quote(token(username, trade, created_at))}"


def verify(value: str, now: float | None = None) -> tuple[str, str, str]:
    """(username, trade, subscription created_at) of a genuine, unexpired token; ``Forbidden`` for anything
    else, without saying what is wrong."""
    invalid = Forbidden("This unsubscribe link is not valid.")
    payload, _, mac = value.partition(".")
    # A genuine token is base64url, so ASCII; compare_digest also refuses non-ASCII str with a TypeError.
    if not payload or not mac or len(value) > MAX_TOKEN or not value.isascii():
        raise invalid
    try:
        claims = json.loads(base64url.decode(payload))
        kid = claims["k"]
    except (ValueError, TypeError, KeyError, binascii.Error) as exc:
        raise invalid from exc
    key = _key(kid) if isinstance(kid, str) and KEY_ID.fullmatch(kid) else None
    if key is None or not hmac.compare_digest(_mac(key, payload), mac):
        raise invalid
    username, trade, created_at, expires = claims.get("u"), claims.get("t"), claims.get("c"), claims.get("e")
    if not isinstance(username, str) or trade not in CATALOGUE or not isinstance(created_at, str):
        raise invalid
    if not isinstance(expires, int) or expires < (now or time.time()):
        raise Forbidden("This unsubscribe link has expired; change your subscriptions on your leedz page.")
    return username, trade, created_at


def is_subscribed(value: str) -> tuple[str, bool]:
    """(trade, whether the token's subscription still exists): what the confirmation page shows. Reads only."""
    username, trade, created_at = verify(value)
    return trade, subscriptions.created_at(username, trade) == created_at


def unsubscribe_by_token(value: str) -> str:
    """Remove the token's subscription, only that one (not a newer one to the same trade); idempotent.
    Returns the trade."""
    username, trade, created_at = verify(value)
    subscriptions.unsubscribe(username, trade, created_at=created_at)
    return trade


@warm_caches.forgets
def forget_key() -> None:
    """Tests: read the key from Secrets Manager again."""
    _keys.clear()
