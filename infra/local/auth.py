"""Local bearer tokens: HMAC-signed claims with a per-run secret, standing in for Cognito's JWTs.

Hand-written on purpose: a real JWT library would add a dependency for a token only this process reads.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

TTL_SECONDS = 12 * 3600


class Tokens:
    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._secret, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, username: str, email: str) -> str:
        claims = {"cognito:username": username, "email": email, "exp": int(time.time()) + TTL_SECONDS}
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def verify(self, header: str | None) -> dict[str, Any] | None:
        """Claims of a valid ``Bearer`` header, else None."""
        if not header or not header.startswith("Bearer "):
            return None
        body, _, signature = header.removeprefix("Bearer ").strip().partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        if claims.get("exp", 0) < time.time():
            return None
        return {k: v for k, v in claims.items() if k != "exp"}
