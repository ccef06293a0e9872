"""Trade subscriptions: who gets an email when a leed of a trade is posted.

A subscription item (``db.subscription_key``) lives in its user's partition and, through ``gsi1``
(``SUBS#{trade}`` / ``{username}``), in its trade's list of subscribers, which the email controller pages
through to fan out. So the fan-out needs no profile reads, each item carries the subscriber's ``email`` and
``name``; ``refresh_contact`` keeps them in step with the profile.

The trade's ``subscribers`` counter moves in the same transaction as the Put/Delete, and the Put/Delete is
conditional: repeating a subscribe or an unsubscribe changes nothing, so the counter cannot drift.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared import db
from shared.errors import Conflict

# Attempts when the profile's name/email changes between our read and our write (see ``subscribe``).
ATTEMPTS = 3


def subscription_item(username: str, trade: str, email: str, name: str, created_at: str) -> dict[str, Any]:
    """The subscription as stored: in the user's partition, in the trade's subscriber list (``gsi1``), with the
    contact details the fan-out sends to. The one builder (the demo seed and the bench write it too)."""
    return {
        **db.subscription_key(username, trade),
        "gsi1pk": f"SUBS#{trade}", "gsi1sk": username,
        "username": username, "email": email, "name": name, "trade": trade, "created_at": created_at,
    }


def _subscribers_delta(trade: str, delta: int) -> dict[str, Any]:
    return {"Update": {
        "Key": db.to_ddb(db.trade_stats_key(trade)),
        "UpdateExpression": "SET trade = :trade ADD subscribers :delta",
        "ExpressionAttributeValues": db.values(trade=trade, delta=delta),
    }}


def _profile_unchanged(username: str, profile: dict[str, Any] | None) -> dict[str, Any]:
    """Condition that the profile still has the contact details we copy into the subscription."""
    key = db.to_ddb(db.profile_key(username))
    if profile is None:
        return {"ConditionCheck": {"Key": key, "ConditionExpression": "attribute_not_exists(pk)"}}
    return {"ConditionCheck": {
        "Key": key,
        "ConditionExpression": "email = :email AND #name = :name",
        "ExpressionAttributeNames": {"#name": "name"},
        "ExpressionAttributeValues": db.values(email=profile.get("email", ""), name=profile.get("name", username)),
    }}


def subscribe(username: str, trade: str) -> bool:
    """Subscribe ``username`` to ``trade``; False if already subscribed (nothing changes).

    The transaction also checks that the profile still holds the email and name we copied: a concurrent
    profile change then cancels it and we copy again, so a subscription never keeps stale contact details.
    """
    for _ in range(ATTEMPTS):
        profile = db.get(db.profile_key(username), consistent=True)
        contact = profile or {}
        item = subscription_item(username, trade, contact.get("email", ""), contact.get("name", username),
                                 datetime.now(UTC).isoformat())
        try:
            db.transact([
                {"Put": {"Item": db.to_ddb(item), "ConditionExpression": "attribute_not_exists(pk)"}},
                _subscribers_delta(trade, 1),
                _profile_unchanged(username, profile),
            ])
        except db.TransactionCancelled as exc:
            if exc.failed(0):
                return False
            if exc.failed(2):
                continue
            raise
        return True
    raise Conflict("Your profile changed while subscribing; please try again.")


def unsubscribe(username: str, trade: str, created_at: str | None = None) -> bool:
    """Remove the subscription; False if there was none (nothing changes). ``created_at`` (email unsubscribe
    links): only the subscription made then, so an old link cannot remove a newer subscription."""
    condition: dict[str, Any] = {"ConditionExpression": "attribute_exists(pk)"}
    if created_at is not None:
        condition = {"ConditionExpression": "attribute_exists(pk) AND created_at = :created",
                     "ExpressionAttributeValues": db.values(created=created_at)}
    try:
        db.transact([
            {"Delete": {"Key": db.to_ddb(db.subscription_key(username, trade)), **condition}},
            _subscribers_delta(trade, -1),
        ])
    except db.TransactionCancelled as exc:
        if exc.failed(0):
            return False
        raise
    return True


def created_at(username: str, trade: str) -> str | None:
    """When the user's current subscription to ``trade`` was made; None when there is none."""
    item = db.get(db.subscription_key(username, trade), consistent=True)
    return str(item.get("created_at", "")) if item else None


def trades_of(username: str) -> list[str]:
    """The trades a user subscribes to, in name order (at most the catalogue's size)."""
    items = db.query_all(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :sub)",
        ExpressionAttributeValues=db.values(pk=db.profile_key(username)["pk"], sub="SUB#"),
        ProjectionExpression="sk",
        ConsistentRead=True,
    )
    return [item["sk"].removeprefix("SUB#") for item in items]


def refresh_contact(username: str, email: str, name: str) -> list[str]:
    """Copy a changed email/name onto the user's subscriptions; returns the trades touched.

    One small transaction per subscription (at most the catalogue's 8 trades): the update, a check that it
    still exists (never recreate one deleted meanwhile) and a check that the profile still says ``email`` and
    ``name``. If a newer change has landed, that change refreshes the subscriptions itself, so we stop rather
    than overwrite its values with ours.
    """
    touched = []
    for trade in trades_of(username):
        profile = {"email": email, "name": name}
        try:
            db.transact([
                {"Update": {
                    "Key": db.to_ddb(db.subscription_key(username, trade)),
                    "UpdateExpression": "SET email = :email, #name = :name",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeNames": {"#name": "name"},
                    "ExpressionAttributeValues": db.values(email=email, name=name),
                }},
                _profile_unchanged(username, profile),
            ])
        except db.TransactionCancelled as exc:
            if exc.failed(1):
                break
            if exc.failed(0):
                continue
            raise
        touched.append(trade)
    return touched
