"""Profiles: created from the identity claims on a user's first authenticated request; read and renamed by
``/users/me``. The profile item also holds the user's counters (moved by the bookkeeping controller; a
missing counter is 0), so ``GET /users/me`` is one Query over the user's partition.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field

from shared import clients, db, subscriptions, suppression, warm_caches
from shared.text import DisplayText

STATS = ("posted", "sold", "bought", "earned_cents", "spent_cents")

# Usernames whose profile this warm container has ensured, and when: saves a write on most later requests.
# Entries last ENSURED_SECONDS, so an account erased meanwhile (``shared.erasure``) is refused here too soon.
_ensured: dict[tuple[str, str], float] = {}
ENSURED_SECONDS = 60.0


class AccountErased(Exception):
    """The profile is an erased account's tombstone: its tokens no longer open anything."""


def ensure_profile(username: str, email: str, *, verified: bool = True) -> None:
    """Create the profile if missing (one idempotent UpdateItem); refresh the email from the claims, and
    when it changed, on the user's subscriptions too (the email fan-out reads it from there). An unverified
    email (issue 18) never replaces the stored one: only a verified address is ever mailed. Raises
    ``AccountErased`` for an erased account (its tombstone has ``erased_at``)."""
    if time.monotonic() - _ensured.get((username, email), -ENSURED_SECONDS) < ENSURED_SECONDS:
        return
    email_value = ":email" if verified else "if_not_exists(email, :empty)"
    try:
        resp = clients.dynamodb().update_item(
            TableName=db.table(),
            Key=db.to_ddb(db.profile_key(username)),
            UpdateExpression=(
                f"SET username = :username, email = {email_value}, #name = if_not_exists(#name, :username), "
                "created_at = if_not_exists(created_at, :now)"
            ),
            ConditionExpression="attribute_not_exists(erased_at)",
            ExpressionAttributeNames={"#name": "name"},
            ExpressionAttributeValues=db.values(username=username, now=datetime.now(UTC).isoformat(),
                                                **({"email": email} if verified else {"empty": ""})),
            ReturnValues="ALL_OLD",
        )
    except ClientError as exc:
        if db.is_condition_failure(exc):
            raise AccountErased(username) from exc
        raise
    if not verified:
        return
    old = db.from_ddb(resp.get("Attributes"))
    if old and old.get("email") != email:
        subscriptions.refresh_contact(username, email, old.get("name") or username)
    _ensured[(username, email)] = time.monotonic()


def forget(username: str) -> None:
    """This container ensures ``username``'s profile again on their next request (their account was erased)."""
    for key in [k for k in _ensured if k[0] == username]:
        _ensured.pop(key, None)


def get_profile_item(username: str) -> dict[str, Any] | None:
    return db.get(db.profile_key(username))


def display_name(username: str) -> str:
    """The name other people see for ``username``: their chosen name, else the username itself."""
    profile = get_profile_item(username) or {}
    return profile.get("name") or username


@warm_caches.forgets
def forget_ensured() -> None:
    """Tests: make the next request ensure the profile again."""
    _ensured.clear()


class ProfileUpdate(BaseModel):
    """Body of ``PUT /users/me``: only the display name is the user's to change (the email comes from the
    identity provider's claims)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    name: Annotated[DisplayText, Field(min_length=1, max_length=100)]


def profile_view(profile: dict[str, Any], trades: list[str]) -> dict[str, Any]:
    return {
        "username": profile["username"],
        "email": profile.get("email", ""),
        "name": profile.get("name") or profile["username"],
        "subscriptions": sorted(trades),
        "stats": {name: db.counter(profile, name) for name in STATS},
        # ok, bounced or complained: whether leedz can still email this address (shared.suppression)
        "email_status": suppression.status(profile.get("email", "")),
    }


def get_me(username: str) -> dict[str, Any]:
    """Profile, subscriptions and stats from one Query: in the user's partition ``NOTE#`` < ``PROFILE`` <
    ``SUB#``, so ``sk >= PROFILE`` reads the profile and the subscriptions and skips every notification."""
    profile: dict[str, Any] = {"username": username}
    trades = []
    for item in db.query_all(
        KeyConditionExpression="pk = :pk AND sk >= :profile",
        ExpressionAttributeValues=db.values(pk=db.profile_key(username)["pk"], profile="PROFILE"),
        ConsistentRead=True,
    ):
        if item["sk"] == "PROFILE":
            profile = {**item, "username": username}
        elif item["sk"].startswith("SUB#"):
            trades.append(item["sk"].removeprefix("SUB#"))
    return profile_view(profile, trades)


def rename(username: str, name: str) -> dict[str, Any]:
    """Set the display name (profile first, then its copies on the subscriptions); returns the new view."""
    resp = clients.dynamodb().update_item(
        TableName=db.table(),
        Key=db.to_ddb(db.profile_key(username)),
        UpdateExpression="SET #name = :name",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames={"#name": "name"},
        ExpressionAttributeValues=db.values(name=name),
        ReturnValues="ALL_NEW",
    )
    profile = db.from_ddb(resp["Attributes"]) or {}
    subscriptions.refresh_contact(username, profile.get("email", ""), name)
    return get_me(username)
