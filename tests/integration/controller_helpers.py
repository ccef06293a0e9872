"""Helpers for controller tests: leeds posted, bought and withdrawn through their handlers, and counters."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from handlers import buy_leed, delete_leed
from shared import db
from tests.apigw import call
from tests.integration.leed_factory import post


def posted(context: Any, **overrides: Any) -> str:
    reply = post(context, **overrides)
    assert reply.status == 201, reply.body
    return reply.body["id"]


def bought(context: Any, leed_id: str, user: str = "bob") -> None:
    reply = call(buy_leed, "POST", "/leeds/{id}/buy", context, path_params={"id": leed_id}, user=user)
    assert reply.status == 200, reply.body


def withdrawn(context: Any, leed_id: str, user: str = "sally") -> None:
    reply = call(delete_leed, "DELETE", "/leeds/{id}", context, path_params={"id": leed_id}, user=user)
    assert reply.status == 204, reply.body


def trade_counters(trade: str = "dj") -> dict[str, int]:
    item = db.get(db.trade_stats_key(trade), consistent=True) or {}
    return {k: item.get(k, 0) for k in ("leeds_posted", "leeds_sold", "subscribers")}


def user_counters(username: str) -> dict[str, int]:
    item = db.get(db.profile_key(username), consistent=True) or {}
    return {k: item.get(k, 0) for k in ("posted", "sold", "bought", "earned_cents", "spent_cents")}


def emitted_metrics(output: str) -> Counter:
    """Metric name -> total value, from the CloudWatch embedded-metric-format lines in captured stdout."""
    totals: Counter = Counter()
    for line in output.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "_aws" in record:
            for definition in record["_aws"]["CloudWatchMetrics"]:
                for metric in definition["Metrics"]:
                    values = record[metric["Name"]]
                    totals[metric["Name"]] += sum(values) if isinstance(values, list) else values
    return totals
