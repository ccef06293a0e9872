"""``DELETE /users/me``: erase an account. The handler records the request and answers 202; the account
controller's ``eraseAccount`` does the work; the email controller's ``confirmErasure`` sends the last email.

The request is one transaction: the erasure record (``ERASURE#{username}``, keeping the address the last
email goes to), the profile marked ``erased_at`` (``users.ensure_profile`` refuses such a profile, so the old
token is 401 from then on, everywhere) and the outbox entry of ``eraseAccount``.

The erasure runs step by step, each step safe to run again, so an interrupted run finishes on Lambda's retry
(or a redrive) and a second run finds nothing left to do:
1. each leed they posted (``gsi3``): withdrawn if for sale (its slot freed, ``leeds.withdraw_leed``), its
   attachments' files and slots removed, then the seller renamed ``DELETED_USER`` and taken off ``gsi3``
   (last, so a leed is only dropped from the index once done);
2. each leed they bought (``gsi4``): the buyer renamed, taken off ``gsi4``: the seller still sees their sale;
   a sold leed's renaming also reaches the other party's sale notification and the sales ledger;
3. their subscriptions (``subscriptions.unsubscribe``, so the trades' counters follow), notifications and any
   other item of their partition deleted; the profile reduced to its ``erased_at`` tombstone;
4. in AWS the Cognito user deleted (``AdminDeleteUser``; ``USER_POOL_ID``), locally the emulator forgets it;
5. the record marked done with the ``confirmErasure`` event in its outbox.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared import (
    attachment_records,
    clients,
    config,
    db,
    dispatch,
    leeds,
    notifications,
    outbox,
    subscriptions,
    uploads,
    users,
)

DELETED_USER = "a deleted user"
KEEP_IN_PARTITION = {"PROFILE"}


def erasure_key(username: str) -> dict[str, str]:
    return {"pk": f"ERASURE#{username}", "sk": "ERASURE"}


def _now() -> str:
    return datetime.now(UTC).isoformat()


def request_erasure(username: str, email: str, correlation_id: str) -> None:
    """Record the request (once: a repeat changes nothing) and fire ``eraseAccount``."""
    record = {**erasure_key(username), "username": username, "email": email, "requested_at": _now()}
    events = [dispatch.event("eraseAccount", correlation_id, username=username)]
    outbox_id, entry = outbox.stage(events)
    try:
        db.transact([
            {"Put": {"Item": db.to_ddb(record), "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"Key": db.to_ddb(db.profile_key(username)), "UpdateExpression": "SET erased_at = :now",
                        "ExpressionAttributeValues": db.values(now=record["requested_at"])}},
            entry,
        ])
    except db.TransactionCancelled as exc:
        if exc.failed(0):
            return  # requested already; that erasure runs (or ran) on its own
        raise
    users.forget(username)  # this container refuses the token from now on (others within users.ENSURED_SECONDS)
    outbox.release(outbox_id, events)


def _index(index: str, prefix: str, username: str) -> list[dict[str, Any]]:
    return list(db.query_all(IndexName=index, KeyConditionExpression=f"{index}pk = :pk",
                             ExpressionAttributeValues=db.values(pk=f"{prefix}#{username}")))


def _rename(leed: dict[str, Any], field: str, index: str, username: str) -> None:
    """The seller or buyer named ``DELETED_USER`` wherever a sale names them (the other party's notification,
    the ledger, the leed), the leed last and off their index; only where it still names them."""
    leed_id = leed["id"]
    if leed["status"] == leeds.SOLD:
        notifications.rename_party(leed, field, DELETED_USER)
        _rename_in_ledger(leed_id, field, username)
    try:
        clients.dynamodb().update_item(
            TableName=db.table(), Key=db.to_ddb(db.leed_key(leed_id)),
            UpdateExpression=f"SET #who = :deleted REMOVE {index}pk, {index}sk",
            ConditionExpression="#who = :me", ExpressionAttributeNames={"#who": field},
            ExpressionAttributeValues=db.values(deleted=DELETED_USER, me=username))
    except clients.dynamodb().exceptions.ConditionalCheckFailedException:
        return  # renamed by an earlier run


def _rename_in_ledger(leed_id: str, field: str, username: str) -> None:
    try:
        clients.dynamodb().update_item(
            TableName=db.table(), Key=db.to_ddb(db.sale_key(leed_id)), UpdateExpression="SET #who = :deleted",
            ConditionExpression="#who = :me", ExpressionAttributeNames={"#who": field},
            ExpressionAttributeValues=db.values(deleted=DELETED_USER, me=username))
    except clients.dynamodb().exceptions.ConditionalCheckFailedException:
        return  # no ledger entry yet (recordSale reads the renamed leed), or renamed by an earlier run


def _erase_posted(username: str, correlation_id: str) -> None:
    for leed in _index("gsi3", "SELLER", username):
        if leed["status"] == leeds.FOR_SALE:
            leeds.withdraw_leed(leed["id"], username, correlation_id)
        for attachment in attachment_records.items(leed["id"]):
            attachment_records.remove(leed["id"], attachment)
            uploads.remove_files(leed["id"], attachment["key"], config.upload_bucket())
        _rename(leed, "seller", "gsi3", username)


def _erase_partition(username: str) -> None:
    for item in list(db.query_all(KeyConditionExpression="pk = :pk",
                                  ExpressionAttributeValues=db.values(pk=db.profile_key(username)["pk"]))):
        if item["sk"].startswith("SUB#"):
            subscriptions.unsubscribe(username, item["sk"].removeprefix("SUB#"))
        elif item["sk"] not in KEEP_IN_PARTITION:
            db.delete({"pk": item["pk"], "sk": item["sk"]})
    profile = db.get(db.profile_key(username), consistent=True) or {}
    db.put({**db.profile_key(username), "erased_at": profile.get("erased_at") or _now()})  # the tombstone


def _delete_identity(username: str) -> None:
    pool = config.optional("USER_POOL_ID", "")
    if not pool:
        return
    cognito = clients.client("cognito-idp")
    try:
        cognito.admin_delete_user(UserPoolId=pool, Username=username)
    except cognito.exceptions.UserNotFoundException:
        return  # deleted by an earlier run


def erase_account(username: str, correlation_id: str) -> dict[str, Any]:
    record = db.get(erasure_key(username), consistent=True)
    if record is None:
        raise LookupError(f"no erasure was requested for {username}")  # never normal: retry, then failure queue
    if record.get("done_at"):
        return {"erased": False}  # a repeated event: done already
    _erase_posted(username, correlation_id)
    for leed in _index("gsi4", "BUYER", username):
        _rename(leed, "buyer", "gsi4", username)
    _erase_partition(username)
    _delete_identity(username)
    events = [dispatch.event("confirmErasure", correlation_id, username=username)]
    outbox_id, entry = outbox.stage(events)
    try:
        db.transact([{"Update": {"Key": db.to_ddb(erasure_key(username)), "UpdateExpression": "SET done_at = :now",
                                 "ConditionExpression": "attribute_not_exists(done_at)",
                                 "ExpressionAttributeValues": db.values(now=_now())}}, entry])
    except db.TransactionCancelled as exc:
        if exc.failed(0):
            return {"erased": False}  # a concurrent run finished first
        raise
    outbox.release(outbox_id, events)
    return {"erased": True}


def forget_address(username: str) -> None:
    """After the last email: the erasure record keeps no address."""
    clients.dynamodb().update_item(TableName=db.table(), Key=db.to_ddb(erasure_key(username)),
                                   UpdateExpression="REMOVE email")
