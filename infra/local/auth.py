"""Local bearer tokens: HMAC-signed claims with a per-run secret, standing in for Cognito's JWTs.

Hand-written on purpose: a real JWT library would add a dependency for a token only this process reads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from typing import Any

from shared import base64url
from shared.text import cognito_username_error, refused_character

TTL_SECONDS = 12 * 3600
# An address as mail servers take it (RFC 5321: a path of at most 254 characters, a local part of at most 64),
# one "@", no spaces, a domain of non-empty dot-separated labels. Not full RFC 5322 (quoted local parts): a
# local sign-in does not need them, and Cognito's own check is similarly practical.
MAX_EMAIL, MAX_LOCAL_PART = 254, 64
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)*")


def cognito_claims_error(username: object, email: object) -> str | None:
    """Why Cognito could not have issued these claims (a sentence for a 400), or None when it could.

    The local token route accepts only what a Cognito user pool could sign, so nothing reaches a handler that
    AWS would never send it (a 5,000-character username once made a DynamoDB key too long: a 500)."""
    problem = cognito_username_error(username)
    if problem:
        return problem.capitalize() + "."
    if not isinstance(email, str) or not email:
        return "The email must be a non-empty string."
    local, _, _ = email.partition("@")
    if (len(email) > MAX_EMAIL or len(local) > MAX_LOCAL_PART or not _EMAIL.fullmatch(email)
            or refused_character(email)):
        return f"The email must be an address like name@example.com, at most {MAX_EMAIL} characters."
    return None


class Tokens:
    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._secret, body.encode(), hashlib.sha256).digest()
        return base64url.encode(digest)

    def issue(self, username: str, email: str, email_verified: bool = True) -> str:
        claims = {"cognito:username": username, "email": email, "email_verified": email_verified,
                  "exp": int(time.time()) + TTL_SECONDS}
        body = base64url.encode(json.dumps(claims).encode())
        return f"{body}.{self._sign(body)}"

    def verify(self, header: str | None) -> dict[str, Any] | None:
        """Claims of a valid ``Bearer`` header, else None."""
        if not header or not header.startswith("Bearer "):
            return None
        body, _, signature = header.removeprefix("Bearer ").strip().partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            claims = json.loads(base64url.decode(body))
        except ValueError:
            return None
        if claims.get("exp", 0) < time.time():
            return None
        return {k: v for k, v in claims.items() if k != "exp"}


class JwtTokens(Tokens):
    """Tokens shaped like Cognito's: ``header.payload.signature`` (HS256 with the per-run secret), so the web app
    reads its id token's claims (``cognito:username``, ``email``) the same way locally and in AWS. The gateway's
    authorizer accepts id tokens only, as a Cognito authorizer without OAuth scopes does; the older ``body.sig``
    form still verifies. ``clock`` is injectable for tests."""

    _HEADER = base64url.encode(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "local"}).encode())

    def __init__(self, secret: bytes | None = None, clock: Any = time.time) -> None:
        super().__init__(secret)
        self._clock = clock

    def encode(self, claims: dict[str, Any]) -> str:
        """A signed JWT of ``claims`` as given (the caller sets ``exp``, ``token_use``, ...)."""
        signing_input = f"{self._HEADER}.{base64url.encode(json.dumps(claims).encode())}"
        return f"{signing_input}.{self._sign(signing_input)}"

    def issue(self, username: str, email: str, email_verified: bool = True) -> str:
        """``POST /_local/token``'s token: the claims handlers read, as before, in the JWT shape."""
        now = int(self._clock())
        return self.encode({"cognito:username": username, "email": email, "email_verified": email_verified,
                            "iat": now, "exp": now + TTL_SECONDS})

    def issued_at(self, header: str | None) -> float | None:
        """When a token that ``verify`` accepted was issued (its ``iat``), or None if it does not say."""
        token = (header or "").removeprefix("Bearer ").strip()
        try:
            claims = json.loads(base64url.decode(token.split(".")[1])) if token.count(".") == 2 else {}
        except ValueError:
            return None
        return float(claims["iat"]) if isinstance(claims, dict) and isinstance(claims.get("iat"), int) else None

    def verify(self, header: str | None) -> dict[str, Any] | None:
        token = (header or "").removeprefix("Bearer ").strip()
        if not (header or "").startswith("Bearer ") or token.count(".") != 2:
            return super().verify(header)
        signing_input, _, signature = token.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(signing_input)):
            return None
        payload = signing_input.partition(".")[2]
        try:
            claims = json.loads(base64url.decode(payload))
        except ValueError:
            return None
        if not isinstance(claims, dict) or claims.get("token_use", "id") != "id":
            return None
        if claims.get("exp", 0) < self._clock():
            return None
        return {k: v for k, v in claims.items() if k not in ("exp", "iat")}
