"""The local token route's rule: only claims a Cognito user pool could issue (``infra.local.auth``)."""

from __future__ import annotations

import pytest

from infra.local.auth import Tokens, cognito_claims_error


@pytest.mark.parametrize("username, email", [
    ("alice", "alice@example.com"),
    ("u" * 128, "u@example.com"),
    ("José.Ōtsuka+1", "jose@example.co.uk"),
    ("bob", "success@simulator.amazonses.com"),
    ("bob", "bob@localhost"),
])
def test_claims_cognito_could_issue(username, email):
    assert cognito_claims_error(username, email) is None


@pytest.mark.parametrize("username, email", [
    ("u" * 5000, "u@example.com"),
    ("u" * 129, "u@example.com"),
    ("", "u@example.com"),
    ("bob smith", "u@example.com"),
    ("bob\u202e", "u@example.com"),
    ("bob\x00", "u@example.com"),
    (7, "u@example.com"),
    ("bob", ""),
    ("bob", "bob"),
    ("bob", "bob@"),
    ("@example.com", "@example.com"),
    ("bob", "bob@@example.com"),
    ("bob", "bob smith@example.com"),
    ("bob", "bob@example..com"),
    ("bob", "bob\u202e@example.com"),
    ("bob", "bob\x00@example.com"),
    ("bob", "b" * 65 + "@example.com"),
    ("bob", "bob@" + "e" * 250 + ".com"),
    ("bob", None),
])
def test_claims_cognito_could_not_issue_name_the_reason(username, email):
    reason = cognito_claims_error(username, email)
    assert reason and reason.endswith(".")


def test_a_token_carries_the_claims_it_was_issued_for():
    tokens = Tokens()
    claims = tokens.verify("Bearer " + tokens.issue("alice", "alice@example.com"))
    assert claims == {"cognito:username": "alice", "email": "alice@example.com", "email_verified": True}
