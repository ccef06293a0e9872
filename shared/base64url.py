"""URL-safe base64 without padding (RFC 4648 section 5), as cursors, tokens and signatures travel in URLs.

One place for the padding idiom: ``=`` is stripped on the way out and restored on the way in.
"""

from __future__ import annotations

import base64

PATTERN = r"^[A-Za-z0-9_-]+$"  # what ``encode`` writes: a cursor or token with anything else was never issued


def encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(text: str) -> bytes:
    """Raises ``binascii.Error`` (a ``ValueError``) for text that is not base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
