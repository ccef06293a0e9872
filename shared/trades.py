"""The fixed trade catalogue. Unknown trade: 404 in a path, 422 in a body (see ``require_trade``)."""

from __future__ import annotations

from shared import clients, db
from shared.errors import NotFound

CATALOGUE: dict[str, str] = {
    "caricatures": "Caricatures",
    "dj": "DJ",
    "photography": "Photography",
    "face-painting": "Face painting",
    "magician": "Magician",
    "balloon-art": "Balloon art",
    "bartending": "Bartending",
    "live-music": "Live music",
}


def require_trade(name: str) -> str:
    """For path parameters: an unknown trade is 404. (Bodies validate with ``TradeName`` -> 422.)"""
    if name not in CATALOGUE:
        raise NotFound(f"There is no trade called {name!r}.")
    return name


def list_trades() -> list[dict[str, object]]:
    """Every trade with its counters (one BatchGetItem for the 8 counter items)."""
    keys = [db.to_ddb(db.trade_stats_key(name)) for name in CATALOGUE]
    found: dict[str, dict[str, object]] = {}
    request: dict[str, object] = {db.table(): {"Keys": keys}}
    while request:
        resp = clients.dynamodb().batch_get_item(RequestItems=request)
        for raw in resp.get("Responses", {}).get(db.table(), []):
            item = db.from_ddb(raw) or {}
            found[item["pk"].removeprefix("TRADE#")] = item
        request = resp.get("UnprocessedKeys") or {}
    return [
        {
            "name": name,
            "label": label,
            "leeds_posted": db.counter(found.get(name), "leeds_posted"),
            "leeds_sold": db.counter(found.get(name), "leeds_sold"),
            "subscribers": db.counter(found.get(name), "subscribers"),
        }
        for name, label in CATALOGUE.items()
    ]
