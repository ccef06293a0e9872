"""Exactly-once effects for controllers, by construction.

Lambda delivers async events at least once (retries, duplicates, the outbox sweeper). An effect that must not
repeat is written in one transaction with a marker item keyed by (function, leed id, part): the marker's
``attribute_not_exists`` condition makes the second delivery a no-op, whatever its correlation id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared import db


def once(function: str, leed_id: str, writes: list[dict[str, Any]], *, part: str = "-") -> bool:
    """Apply ``writes`` (transaction entries) together with the marker; False if it was already done."""
    marker = {**db.effect_key(function, leed_id, part), "done_at": datetime.now(UTC).isoformat()}
    entry = {"Put": {"Item": db.to_ddb(marker), "ConditionExpression": "attribute_not_exists(pk)"}}
    try:
        db.transact([entry, *writes])
    except db.TransactionCancelled as exc:
        if exc.failed(0):
            return False
        raise
    return True
