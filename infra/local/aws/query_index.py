"""DynamoDB ``Query`` in O(page), not O(table), in the emulator: same answers as moto's, at what the page costs.

moto answers every Query by sorting the whole table (``Table.all_items``), keeping the items of the key asked
for, sorting those in the index's order and walking them from the start to the ``ExclusiveStartKey``: with
20,000 subscribers (40,000 items) one 50-subscriber page of ``gsi1`` took ~290 ms, 117 s of a 181 s fan-out.

We keep moto's Query code (key conditions, filters, projections, limits, paging, error shapes) and only change
what it walks. ``all_items`` answers, inside our Query and for its table only, a *window*: the items of the
partition asked for, already in moto's order (so its own sort of them is a no-op), from just before the
``ExclusiveStartKey`` (found by bisection with moto's own ``_item_comes_before_dct``) to one past the page
(``Limit`` + 1, enough for moto to set ``LastEvaluatedKey``; the whole rest when a range condition or a legacy
QueryFilter may skip items). Every item moto would keep is in the window, and moto still applies every
condition to it, so the answer is moto's.

A secondary index's partition is cached per (table, index, hash-key values): a list of the items carrying that
key, sorted in the index's order. Only a write whose old or new item carries that key drops it: every write to
a table's items goes through ``Table.put_item``, ``Table.delete_item`` or ``DynamoDBBackend.update_item`` (which
changes an item in place; transactions and batch writes use these too), and each is wrapped here. A base-table
partition needs no cache: it is one dict lookup. Everything runs under ``ddb_lock`` in the server; the cache
has its own lock too, so direct backend calls (start-up restore) are safe as well.
``tests/integration/test_local_query_index.py`` checks answers against unpatched moto's under random writes.
"""

from __future__ import annotations

import bisect
import functools
import threading
import weakref
from typing import Any

_lock = threading.RLock()
# table -> {(index name, hash-key values): the index partition's items in moto's index order}
_cache: weakref.WeakKeyDictionary[Any, dict[tuple[str, tuple[Any, ...]], list[Any]]] = weakref.WeakKeyDictionary()
_window = threading.local()  # .table, .items: what all_items answers inside our Query


def _hash_names(index: Any) -> list[str]:
    return [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]


def _sort_attrs(table: Any, index: Any | None) -> tuple[list[str], list[str | None]]:
    """(hash_attrs, range_attrs) exactly as moto's ``Table.query`` builds them for its sort and paging."""
    if index is None:
        return [table.hash_key_attr], [table.range_key_attr]
    from moto.dynamodb.models.table import GlobalSecondaryIndex

    ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    if not ranges:
        own = table.range_key_attr if isinstance(index, GlobalSecondaryIndex) and table.range_key_attr \
            else table.hash_key_attr
        ranges = [own]
    return [*_hash_names(index), table.hash_key_attr], [*ranges, table.range_key_attr]


def _forget(table: Any, *attr_sets: dict[str, Any] | None) -> None:
    """Drop the cached partitions any of these items (old or new versions, ``DynamoType`` attrs) belongs to."""
    with _lock:
        cached = _cache.get(table)
        if not cached:
            return
        for index in table.all_indexes():
            names = _hash_names(index)
            for attrs in attr_sets:
                if attrs is not None and all(n in attrs for n in names):
                    cached.pop((index.name, tuple(attrs[n] for n in names)), None)


def _partition(table: Any, index: Any, values: tuple[Any, ...]) -> list[Any]:
    """The index partition's items (a superset of what moto keeps: it checks every condition again), sorted."""
    with _lock:
        cached = _cache.setdefault(table, {})
        key = (index.name, values)
        if key not in cached:
            names = _hash_names(index)
            order = table._generate_attr_to_sort_by(*_sort_attrs(table, index))
            items = [item for item in _stored(table)
                     if all(n in item.attrs and item.attrs[n] == v for n, v in zip(names, values, strict=True))
                     and all(a in item.attrs for a in order)]  # moto drops items lacking an index key too
            items.sort(key=lambda x: tuple(x.attrs[a] for a in order))
            cached[key] = items
        return cached[key]


def _stored(table: Any) -> list[Any]:
    if table.range_key_attr:
        return [item for part in table.items.values() for item in part.values()]
    return list(table.items.values())


def _base_partition(table: Any, hash_key: Any) -> list[Any]:
    part = table.items.get(hash_key)  # .get: table.items is a defaultdict, a lookup must not add a partition
    if part is None:
        return []
    if not table.range_key_attr:
        return [part]
    return sorted(part.values(), key=lambda item: item.range_key)


def _window_for(table: Any, hash_key: Any, range_comparison: str | None, limit: int | None,
                exclusive_start_key: dict[str, Any] | None, forward: bool, index_name: str | None,
                hash_key_conditions: list[tuple[str, Any]] | None, filter_kwargs: dict[str, Any]) -> list[Any] | None:
    """The items moto's Query needs to walk, or None to let it walk the whole table (a query it refuses)."""
    if index_name:
        index = {i.name: i for i in table.all_indexes()}.get(index_name)
        conditions = dict(hash_key_conditions or [])
        if index is None or set(conditions) != set(_hash_names(index)):
            return None
        ordered = _partition(table, index, tuple(conditions[n] for n in _hash_names(index)))
    elif hash_key is not None:
        index, ordered = None, _base_partition(table, hash_key)
    else:
        return None
    if not forward:
        ordered = ordered[::-1]
    first = 0
    if exclusive_start_key is not None:
        hash_attrs, range_attrs = _sort_attrs(table, index)
        before = functools.partial(table._item_comes_before_dct, dct=exclusive_start_key,
                                   hash_key_attrs=hash_attrs, range_key_attrs=range_attrs,
                                   scan_index_forward=forward)
        first = bisect.bisect_left(ordered, True, key=lambda item: not before(item))
    if range_comparison or filter_kwargs or limit is None:
        return ordered[max(0, first - 1):]
    return ordered[max(0, first - 1):first + limit + 1]


def install() -> None:
    """Patch moto's DynamoDB Query and write paths in this process (idempotent)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    query = Table.query
    if getattr(query, "_leedz_windowed", False):
        return
    all_items = Table.all_items

    def windowed_all_items(self: Any) -> list[Any]:
        if getattr(_window, "table", None) is self:
            _window.table = None  # once: the window is for this Query's one walk
            return list(_window.items)
        return all_items(self)

    @functools.wraps(query)
    def windowed_query(self: Any, hash_key: Any, range_comparison: str | None, range_objs: list[Any],
                       limit: int | None, exclusive_start_key: dict[str, Any] | None, scan_index_forward: bool,
                       projection_expressions: Any, index_name: str | None = None, consistent_read: bool = False,
                       filter_expression: Any = None, hash_key_conditions: Any = None,
                       range_key_conditions: Any = None, **filter_kwargs: Any) -> Any:
        try:
            window = _window_for(self, hash_key, range_comparison, limit, exclusive_start_key,
                                 scan_index_forward is not False, index_name, hash_key_conditions, filter_kwargs)
        except Exception:  # noqa: BLE001 - a request moto refuses: its own walk raises its own error
            window = None
        _window.table, _window.items = (self, window) if window is not None else (None, None)
        try:
            return query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                         scan_index_forward, projection_expressions, index_name, consistent_read,
                         filter_expression, hash_key_conditions=hash_key_conditions,
                         range_key_conditions=range_key_conditions, **filter_kwargs)
        finally:
            _window.table = _window.items = None

    put_item, delete_item, update_item = Table.put_item, Table.delete_item, DynamoDBBackend.update_item

    @functools.wraps(put_item)
    def forgetting_put(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        from moto.dynamodb.models.dynamo_type import DynamoType

        old = _current(self, item_attrs)
        try:
            return put_item(self, item_attrs, *args, **kwargs)
        finally:
            _forget(self, old, {k: DynamoType(v) for k, v in item_attrs.items()})

    @functools.wraps(delete_item)
    def forgetting_delete(self: Any, *args: Any, **kwargs: Any) -> Any:
        gone = delete_item(self, *args, **kwargs)
        _forget(self, gone.attrs if gone is not None else None)
        return gone

    @functools.wraps(update_item)
    def forgetting_update(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        table = self.tables.get(table_name)
        old = _attrs_at(self, table_name, key)
        try:
            return update_item(self, table_name, key, *args, **kwargs)
        finally:  # moto changes the item in place, and may have changed part of it before raising
            if table is not None:
                _forget(table, old, _attrs_at(self, table_name, key))

    windowed_query._leedz_windowed = True  # type: ignore[attr-defined]
    Table.query = windowed_query  # type: ignore[method-assign]
    Table.all_items = windowed_all_items  # type: ignore[method-assign]
    Table.put_item = forgetting_put  # type: ignore[method-assign]
    Table.delete_item = forgetting_delete  # type: ignore[method-assign]
    DynamoDBBackend.update_item = forgetting_update  # type: ignore[method-assign]


def _current(table: Any, item_attrs: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of the attributes of the item stored under ``item_attrs``' key, if any."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        found = table.get_item(DynamoType(item_attrs[table.hash_key_attr]),
                               DynamoType(item_attrs[table.range_key_attr]) if table.range_key_attr else None)
    except Exception:  # noqa: BLE001 - a malformed item: moto's put refuses it
        return None
    return dict(found.attrs) if found is not None else None


def _attrs_at(backend: Any, table_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
    try:
        found = backend.get_item(table_name, key)
    except Exception:  # noqa: BLE001 - a malformed key or no table: moto's update refuses it
        return None
    return dict(found.attrs) if found is not None else None
