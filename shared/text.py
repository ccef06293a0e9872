"""Text one person writes and another reads (display names, titles, details, addresses): what it may hold.

Control characters (C0, DEL, C1) can truncate or garble what a mail client or terminal shows, and bidirectional
overrides and isolates (the "Trojan Source" characters) make text display in an order other than the one it is
stored in: a name ending in U+202E can make an email read something its sender did not write. Both are refused
(422) wherever a person's text reaches someone else. Tab, newline and carriage return are allowed only in fields
that are multi-line by nature (a leed's details); a single-line field refuses them too.

Also Cognito's username rule, so a claim we could never have been issued is refused before it becomes a key.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

# Explicit bidi formatting characters: the embeddings and overrides (U+202A-202E), the isolates (U+2066-2069)
# and the implicit marks (U+200E LRM, U+200F RLM, U+061C ALM), which can reorder neighbouring text as well.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)] + ["\u200e", "\u200f", "\u061c"]
)
MULTILINE_WHITESPACE = frozenset("\t\n\r")


def refused_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character ``text`` may not hold, described for an error message; None when it is clean."""
    for char in text:
        if multiline and char in MULTILINE_WHITESPACE:
            continue
        if unicodedata.category(char) == "Cc":  # C0, DEL and C1: exactly the "control" category
            return f"a control character (U+{ord(char):04X})"
        if char in BIDI_CONTROLS:
            return f"a bidirectional control character (U+{ord(char):04X})"
    return None


def _single_line(text: str) -> str:
    found = refused_character(text)
    if found:
        raise ValueError(f"must not contain {found}")
    return text


def _multi_line(text: str) -> str:
    found = refused_character(text, multiline=True)
    if found:
        raise ValueError(f"must not contain {found}")
    return text


# Annotate a ``str`` field with these (pydantic runs them after its own length and strictness checks).
SingleLine = AfterValidator(_single_line)
MultiLine = AfterValidator(_multi_line)
DisplayText = Annotated[str, SingleLine]
MultiLineText = Annotated[str, MultiLine]

# Cognito user pools: a username is 1-128 characters matching ``[\p{L}\p{M}\p{S}\p{N}\p{P}]+`` (letters, marks,
# symbols, numbers, punctuation: no spaces, no controls, no format characters). Python's ``re`` has no ``\p``
# classes, hence the category test. 128 characters of up to 4 UTF-8 bytes each keep ``USER#{username}`` far
# below DynamoDB's 1,024-byte sort-key and 2,048-byte partition-key limits.
MAX_USERNAME = 128
USERNAME_CATEGORIES = ("L", "M", "S", "N", "P")


def cognito_username_error(username: object) -> str | None:
    """Why Cognito could not have issued this username, or None when it could."""
    if not isinstance(username, str) or not username:
        return "the username must be a non-empty string"
    if len(username) > MAX_USERNAME:
        return f"the username must be at most {MAX_USERNAME} characters"
    if not all(unicodedata.category(ch).startswith(USERNAME_CATEGORIES) for ch in username):
        return "the username may hold only letters, marks, symbols, numbers and punctuation"
    return None
