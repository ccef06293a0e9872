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

from pydantic import AfterValidator, Field

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


def _class_of(chars: set[str]) -> str:
    r"""A regex character class body naming ``chars`` in ranges of ``\uXXXX`` escapes (ECMA-262 and Python
    read them alike)."""
    runs: list[list[int]] = []
    for code in sorted(map(ord, chars)):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(f"\\u{a:04x}" + (f"-\\u{b:04x}" if b > a else "") for a, b in runs)


_C0_DEL_C1 = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
_REFUSED = _class_of({*_C0_DEL_C1, *BIDI_CONTROLS})
_REFUSED_MULTILINE = _class_of({*_C0_DEL_C1, *BIDI_CONTROLS} - MULTILINE_WHITESPACE)
# The same rules as patterns in the OpenAPI document, so a schema-valid string is one the code accepts: no
# refused character, and (these fields are stripped, then must not be empty) one that is not whitespace.
SINGLE_LINE_PATTERN = f"^[^{_REFUSED}]*[^\\s{_REFUSED}][^{_REFUSED}]*$"
MULTI_LINE_PATTERN = f"^[^{_REFUSED_MULTILINE}]*$"

# Annotate a ``str`` field with these (pydantic runs them after its own length and strictness checks).
SingleLine = AfterValidator(_single_line)
MultiLine = AfterValidator(_multi_line)
DisplayText = Annotated[str, SingleLine, Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN})]
MultiLineText = Annotated[str, MultiLine, Field(json_schema_extra={"pattern": MULTI_LINE_PATTERN})]

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
