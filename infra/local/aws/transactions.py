"""DynamoDB ``TransactWriteItems`` in O(items), not O(table), in the emulator.

moto backs a transaction up by deep-copying every table it touches, once per item, before applying it: with
20,000 subscribers (40,000 items) one ``POST /leeds`` took over 10 s and timed out, and request latency grew
with the table, which DynamoDB's does not. We keep moto's transaction code (conditions, error shapes) and only
change the backup: the touched items are saved before, and put back (or removed) if it is cancelled.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

_shallow = threading.local()


def _table_deepcopy(table: Any, memo: dict[int, Any]) -> Any:
    """``Table.__deepcopy__``: the table itself inside our transactions (the backup is ours), else a real copy
    (what ``copy.deepcopy`` does for a plain object, so moto's other uses, e.g. backups, are unchanged)."""
    if getattr(_shallow, "on", False):
        return table
    clone = table.__class__.__new__(table.__class__)
    memo[id(table)] = clone
    clone.__dict__.update(copy.deepcopy(table.__dict__, memo))
    return clone


def _key(backend: Any, op: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(table, key) an operation touches; None if moto will refuse it anyway (it then raises its own error)."""
    name = op.get("TableName")
    if name not in backend.tables:
        return None
    if "Key" in op:
        return name, op["Key"]
    table = backend.tables[name]
    attrs = op.get("Item") or {}
    names = [n for n in (table.hash_key_attr, table.range_key_attr) if n]
    if not all(n in attrs for n in names):
        return None
    return name, {n: attrs[n] for n in names}


def install() -> None:
    """Patch moto's DynamoDB backend in this process (the in-process moto server)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_leedz_wrapped", False):
        return

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            found = _key(self, next(iter(entry.values()), {}))
            if not found:
                continue
            try:
                item = self.get_item(*found)
            except Exception:  # noqa: BLE001, S112 - a malformed key: moto refuses the transaction itself below
                continue
            saved.append((*found, copy.deepcopy(item.to_json()["Attributes"]) if item else None))
        _shallow.on = True
        try:
            original(self, transact_items)
        except Exception:
            for name, key, attrs in reversed(saved):  # moto applied items one by one: undo them
                if attrs is None:
                    self.delete_item(name, key)
                else:
                    self.put_item(name, attrs)
            raise
        finally:
            _shallow.on = False

    transact_write_items._leedz_wrapped = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    Table.__deepcopy__ = _table_deepcopy  # type: ignore[attr-defined]
