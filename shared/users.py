"""Profiles: created from the identity claims on a user's first authenticated request."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared import clients, db

STATS = ("posted", "sold", "bought", "earned_cents", "spent_cents")

# Usernames whose profile this warm container has already ensured: saves a write on every later request.
_ensured: set[tuple[str, str]] = set()


def ensure_profile(username: str, email: str) -> None:
    """Create the profile if missing (one idempotent UpdateItem); refresh the email from the claims."""
    if (username, email) in _ensured:
        return
    clients.dynamodb().update_item(
        TableName=db.table(),
        Key=db.to_ddb(db.profile_key(username)),
        UpdateExpression=(
            "SET username = :username, email = :email, #name = if_not_exists(#name, :username), "
            "created_at = if_not_exists(created_at, :now)"
        ),
        ExpressionAttributeNames={"#name": "name"},
        ExpressionAttributeValues=db.values(username=username, email=email, now=datetime.now(UTC).isoformat()),
    )
    _ensured.add((username, email))


def get_profile_item(username: str) -> dict[str, Any] | None:
    return db.get(db.profile_key(username))


def forget_ensured() -> None:
    """Tests: make the next request ensure the profile again."""
    _ensured.clear()
