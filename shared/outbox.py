"""Transactional outbox: the events a change must fire are written in the same transaction as the change.

A handler adds ``stage(events)`` to its ``TransactWriteItems``; after the commit it calls ``release`` (fire
every event at once, then one DeleteItem: a request waits for its transaction, the slowest invoke and the clear,
three calls deep whatever the number of events). If the process dies or an invoke fails between commit and
clear, the outbox item stays and ``sweep`` (a scheduled function) fires it again. Controllers are idempotent,
so a second delivery has no second effect: nothing is lost, nothing is done twice.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from shared import clients, db, dispatch

logger = Logger(child=True)

STALE_AFTER = timedelta(seconds=60)


def stage(events: list[dict[str, Any]], *, now: datetime | None = None) -> tuple[str, dict[str, Any]]:
    """Return ``(outbox_id, transaction entry)`` that records ``events`` atomically with the change."""
    outbox_id = uuid.uuid4().hex
    created_at = (now or datetime.now(UTC)).isoformat()
    item = {
        **db.outbox_key(outbox_id),
        "gsi1pk": "OUTBOX",
        "gsi1sk": f"{created_at}#{outbox_id}",
        "events": events,
        "created_at": created_at,
    }
    return outbox_id, {"Put": {"Item": db.to_ddb(item)}}


def release(outbox_id: str, events: list[dict[str, Any]]) -> bool:
    """Fire every event, then clear the outbox item. Never raises: the change is already committed, so a
    failure here is the sweeper's to finish, not the client's error. Returns whether all was delivered.

    The invokes go out together (boto3's clients are thread-safe) and the item is cleared only when every one
    was accepted: one failed invoke leaves it for the sweeper, which fires all its events again (controllers
    are idempotent, so the ones already delivered have no second effect)."""
    try:
        _fire_all(events)
        db.delete(db.outbox_key(outbox_id))
    except Exception:
        logger.exception("outbox delivery failed; the sweeper will re-fire", extra={"outbox_id": outbox_id})
        return False
    return True


def _fire_all(events: list[dict[str, Any]]) -> None:
    """``dispatch.fire`` each event, concurrently when there are several; raises the first failure after all
    have finished. A pool per call, not one per process: a Lambda environment sits idle (frozen, or snapshotted
    by SnapStart) between requests, and no thread should outlive the request that needed it."""
    if len(events) <= 1:
        for payload in events:
            dispatch.fire(payload)
        return
    clients.lambda_()  # made once here on a cold start, not by each thread at once (the cache takes no lock)
    with ThreadPoolExecutor(max_workers=len(events), thread_name_prefix="outbox") as pool:
        futures = [pool.submit(dispatch.fire, payload) for payload in events]
    for future in futures:
        future.result()  # re-raises that invoke's exception


def sweep(*, now: datetime | None = None, stale_after: timedelta = STALE_AFTER) -> int:
    """Re-fire outbox items older than ``stale_after``; returns how many were delivered."""
    cutoff = ((now or datetime.now(UTC)) - stale_after).isoformat()
    delivered = 0
    for item in db.query_all(
        IndexName=db.GSI1,
        KeyConditionExpression="gsi1pk = :pk AND gsi1sk < :cutoff",
        ExpressionAttributeValues=db.values(pk="OUTBOX", cutoff=cutoff),
    ):
        outbox_id = item["pk"].removeprefix("OUTBOX#")
        delivered += release(outbox_id, item["events"])
    return delivered
