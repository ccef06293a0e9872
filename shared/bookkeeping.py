"""Counters and the sales ledger, moved by the bookkeeping controller after a leed is posted, sold or withdrawn.

Each function takes the leed id, reads the leed (the event carries ids, never documents) and applies every
counter change of that business event in ONE transaction with an ``effects.once`` marker: a repeated event,
whatever its correlation id, has no second effect, and a failure leaves nothing half-counted.

Counters move by ``ADD`` only, which commutes: if events arrive out of order (a withdrawal processed before
its post after a retry), the totals are still right once both are done.

Withdrawal (a choice): ``leeds_posted`` (trade) and ``posted`` (seller) count leeds that are or were really on
offer, so a withdrawal takes the post back (-1) and counts it in ``leeds_withdrawn`` / ``withdrawn`` instead.
Then posted - sold is what is for sale now (give or take leeds whose date passed), and a seller who posts
by mistake and withdraws at once does not look busier than they are.
"""

from __future__ import annotations

from typing import Any

from shared import db, effects
from shared.errors import LeedMissing


def _leed(leed_id: str, status: str | None = None) -> dict[str, Any]:
    """The leed, in ``status`` if given. (A posted leed may be sold or withdrawn by the time its post is
    recorded, so ``record_post`` takes any status; a sale or withdrawal can never be undone.)"""
    item = db.get(db.leed_key(leed_id), consistent=True)
    if item is None:
        raise LeedMissing(f"leed {leed_id} does not exist")
    if status is not None and item.get("status") != status:
        raise LeedMissing(f"leed {leed_id} is {item.get('status')!r}, not {status!r}")
    return item


def _add(key: dict[str, str], *, set_fields: dict[str, Any] | None = None, **deltas: int) -> dict[str, Any]:
    """A transaction entry that ADDs ``deltas`` to the item's counters (creating them at 0)."""
    expression = "ADD " + ", ".join(f"{name} :{name}" for name in deltas)
    if set_fields:
        expression = "SET " + ", ".join(f"{name} = :{name}" for name in set_fields) + " " + expression
    return {"Update": {
        "Key": db.to_ddb(key),
        "UpdateExpression": expression,
        "ExpressionAttributeValues": db.values(**deltas, **(set_fields or {})),
    }}


def _trade(trade: str, **deltas: int) -> dict[str, Any]:
    return _add(db.trade_stats_key(trade), set_fields={"trade": trade}, **deltas)


def record_post(leed_id: str) -> bool:
    """A leed was posted: trade ``leeds_posted`` +1, seller ``posted`` +1. False if already recorded."""
    leed = _leed(leed_id)
    return effects.once("recordPost", leed_id, [
        _trade(leed["trade"], leeds_posted=1),
        _add(db.profile_key(leed["seller"]), posted=1),
    ])


def record_sale(leed_id: str) -> bool:
    """A leed was sold: trade and both users' counters, and the ledger entry. False if already recorded."""
    leed = _leed(leed_id, "sold")
    price = int(leed["price_cents"])
    sale = {
        **db.sale_key(leed_id),
        "leed_id": leed_id, "trade": leed["trade"], "seller": leed["seller"], "buyer": leed["buyer"],
        "price_cents": price, "sold_at": leed["sold_at"],
    }
    return effects.once("recordSale", leed_id, [
        _trade(leed["trade"], leeds_sold=1),
        _add(db.profile_key(leed["seller"]), sold=1, earned_cents=price),
        _add(db.profile_key(leed["buyer"]), bought=1, spent_cents=price),
        {"Put": {"Item": db.to_ddb(sale), "ConditionExpression": "attribute_not_exists(pk)"}},
    ])


def record_withdrawal(leed_id: str) -> bool:
    """A leed was withdrawn: its post is taken back and counted as withdrawn (see the module docstring)."""
    leed = _leed(leed_id, "withdrawn")
    return effects.once("recordWithdrawal", leed_id, [
        _trade(leed["trade"], leeds_posted=-1, leeds_withdrawn=1),
        _add(db.profile_key(leed["seller"]), posted=-1, withdrawn=1),
    ])
