"""What text others read may hold, and which usernames Cognito could issue (``shared.text``)."""

from __future__ import annotations

import pytest

from shared import db
from shared.text import MAX_USERNAME, cognito_username_error, refused_character

DYNAMODB_MAX_PK_BYTES, DYNAMODB_MAX_SK_BYTES = 2048, 1024


@pytest.mark.parametrize("char", ["\x00", "\x1f", "\x7f", "\x80", "\x9f", "\u202a", "\u202e", "\u2066", "\u2069",
                                  "\u200e", "\u200f", "\u061c"])
def test_controls_and_bidi_characters_are_refused_on_any_line(char):
    assert refused_character(f"a{char}b") is not None
    assert refused_character(f"a{char}b", multiline=True) is not None


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_line_breaks_and_tabs_only_in_multi_line_text(char):
    assert refused_character(f"a{char}b") is not None
    assert refused_character(f"a{char}b", multiline=True) is None


@pytest.mark.parametrize("text", ["Zoë O'Brien", "山田 太郎", "زينب", "🎧 DJ \u2013 night", "a\u200db"])
def test_ordinary_text_in_any_script_passes(text):
    assert refused_character(text) is None


@pytest.mark.parametrize("username", ["alice", "José-1", "山田", "a+b@c.d", "😀" * MAX_USERNAME, "x"])
def test_usernames_cognito_issues(username):
    assert cognito_username_error(username) is None


@pytest.mark.parametrize("username", ["", "a" * (MAX_USERNAME + 1), "bob smith", "bob\t", "bob\u202e", "a\x00",
                                      None, 7])
def test_usernames_cognito_never_issues(username):
    assert cognito_username_error(username) is not None


def test_the_longest_username_fits_every_key_built_from_it():
    username = "\U0001f600" * MAX_USERNAME  # 4 UTF-8 bytes each: the most bytes a valid username can have
    assert cognito_username_error(username) is None
    keys = [db.profile_key(username), db.subscription_key(username, "face-painting"),
            db.notification_key(username, "2026-11-30T12:00:00.000000+00:00", "f" * 32)]
    for key in keys:
        assert len(key["pk"].encode()) <= DYNAMODB_MAX_PK_BYTES
        assert len(key["sk"].encode()) <= DYNAMODB_MAX_SK_BYTES
    # The subscription's index key is the username itself (``gsi1sk``), a sort key too.
    assert len(username.encode()) <= DYNAMODB_MAX_SK_BYTES
