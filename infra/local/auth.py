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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class JwtTokens(Tokens):
    """Tokens shaped like Cognito's: ``header.payload.signature`` (HS256 with the per-run secret), so the web app
    reads its id token's claims (``cognito:username``, ``email``) the same way locally and in AWS. The gateway's
    authorizer accepts id tokens only, as a Cognito authorizer without OAuth scopes does; the older ``body.sig``
    form still verifies. ``clock`` is injectable for tests."""

    _HEADER = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "local"}).encode())

    def __init__(self, secret: bytes | None = None, clock: Any = time.time) -> None:
        super().__init__(secret)
        self._clock = clock

    def encode(self, claims: dict[str, Any]) -> str:
        """A signed JWT of ``claims`` as given (the caller sets ``exp``, ``token_use``, ...)."""
        signing_input = f"{self._HEADER}.{_b64(json.dumps(claims).encode())}"
        return f"{signing_input}.{self._sign(signing_input)}"

    def issue(self, username: str, email: str) -> str:
        """``POST /_local/token``'s token: the two claims handlers read, as before, in the JWT shape."""
        return self.encode({"cognito:username": username, "email": email, "exp": int(self._clock()) + TTL_SECONDS})

    def verify(self, header: str | None) -> dict[str, Any] | None:
        token = (header or "").removeprefix("Bearer ").strip()
        if not (header or "").startswith("Bearer ") or token.count(".") != 2:
            return super().verify(header)
        signing_input, _, signature = token.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(signing_input)):
            return None
        payload = signing_input.partition(".")[2]
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            return None
        if not isinstance(claims, dict) or claims.get("token_use", "id") != "id":
            return None
        if claims.get("exp", 0) < self._clock():
            return None
        return {k: v for k, v in claims.items() if k not in ("exp", "iat")}
