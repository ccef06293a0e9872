"""Addresses we no longer mail: a permanent bounce or a complaint that SES reported (``shared.ses_feedback``).

One item per address, ``EMAIL#{address}`` / ``STATUS``, keyed by the address because that is what SES reports
and what every send is about to use; ``shared.mail`` drops suppressed addresses from every send, whatever the
email, so the rule lives in one place. Transient bounces are only counted on the same item. ``GET /users/me``
shows the status of the caller's current address (a changed address starts ``ok``).

On AWS the configuration set's suppression options add SES's own account-level list behind this one.
"""

from __future__ import annotations

from typing import Any

from shared import clients, db

OK, BOUNCED, COMPLAINED = "ok", "bounced", "complained"
_BATCH = 100  # BatchGetItem's limit


def key(address: str) -> dict[str, str]:
    return {"pk": f"EMAIL#{address.strip().lower()}", "sk": "STATUS"}


def status(address: str) -> str:
    """``ok``, ``bounced`` or ``complained``."""
    if not address:
        return OK
    item = db.get(key(address), consistent=True) or {}
    return str(item.get("status") or OK)


def suppressed(addresses: list[str]) -> set[str]:
    """Which of ``addresses`` must not be mailed (as given); one BatchGetItem per 100 addresses."""
    wanted = {key(a)["pk"]: a for a in addresses if a}
    found: set[str] = set()
    pks = list(wanted)
    for start in range(0, len(pks), _BATCH):
        request: dict[str, Any] = {db.table(): {
            "Keys": [db.to_ddb({"pk": pk, "sk": "STATUS"}) for pk in pks[start:start + _BATCH]],
            "ProjectionExpression": "pk, #status", "ExpressionAttributeNames": {"#status": "status"},
            "ConsistentRead": True}}
        while request:
            resp = clients.dynamodb().batch_get_item(RequestItems=request)
            for raw in resp.get("Responses", {}).get(db.table(), []):
                item = db.from_ddb(raw) or {}
                if item.get("status") in (BOUNCED, COMPLAINED):
                    found.add(item["pk"])
            request = resp.get("UnprocessedKeys") or {}
    return {wanted[pk] for pk in found}


def suppress(address: str, status_: str, reason: str, at: str, username: str | None) -> dict[str, Any]:
    """The transaction entry that suppresses ``address``; the first reason stays (a later one adds nothing)."""
    return {"Update": {
        "Key": db.to_ddb(key(address)),
        "UpdateExpression": "SET #status = if_not_exists(#status, :status), reason = if_not_exists(reason, :reason),"
                            " since = if_not_exists(since, :at), address = :address"
                            + (", username = :username" if username else ""),
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": db.values(status=status_, reason=reason, at=at, address=address.lower(),
                                               **({"username": username} if username else {})),
    }}


def count_transient(address: str, at: str) -> dict[str, Any]:
    """The transaction entry that counts one transient bounce (the address stays mailable)."""
    return {"Update": {
        "Key": db.to_ddb(key(address)),
        "UpdateExpression": "SET address = :address, last_transient = :at ADD transient_bounces :one",
        "ExpressionAttributeValues": db.values(address=address.lower(), at=at, one=1),
    }}
