"""Write-through durability of the emulator's data: nothing a request was answered for is lost, even on SIGKILL.

moto's backends note which DynamoDB items and S3 objects a request touched (their write methods are wrapped);
when the request's answer is ready, and before the server sends it, the current state of each is written to the
saved data (``state/saved.py``): a write that answered 2xx is on disk. Reading back the current state (not the
request's own version) keeps concurrent writers to one item right whatever order they finish in. At start-up
``restore`` loads the saved data straight into the backends, without HTTP and without S3 notifications.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from infra.local.sam.model import ACCOUNT, REGION
from infra.local.state.saved import SavedData

_touched = threading.local()  # per request thread: {("ddb", table, key json) | ("s3", bucket, key)}
_saved: list[SavedData] = []  # where flushes go: the running stack's (wiring, set by ``install``)


def _touch(*entry: Any) -> None:
    if not hasattr(_touched, "entries"):
        _touched.entries = {}
    _touched.entries[(*entry[:2], repr(entry[2]))] = entry


def _ddb() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT][REGION]


def _s3() -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[ACCOUNT]["global"]


def _key_of(table_name: str, attrs: dict[str, Any]) -> dict[str, Any] | None:
    table = _ddb().tables.get(table_name)
    if table is None:
        return None
    names = [n for n in (table.hash_key_attr, table.range_key_attr) if n]
    return {n: attrs[n] for n in names} if all(n in attrs for n in names) else None


def _touch_item(table_name: str, attrs: dict[str, Any]) -> None:
    key = _key_of(table_name, attrs)
    if key is not None:
        _touch("ddb", table_name, key)


def flush() -> None:
    """Save the current state of everything this thread's request touched."""
    entries = getattr(_touched, "entries", None)
    if not entries or not _saved:
        return
    _touched.entries = {}
    for kind, name, key in entries.values():
        if kind == "ddb":
            found = _ddb().get_item(name, key) if name in _ddb().tables else None
            _saved[0].item(name, key, found.to_json()["Attributes"] if found else None)
        else:
            found = _s3().get_object(name, key) if name in _s3().buckets else None
            _saved[0].obj(name, key, found.value if found else None, dict(found.metadata) if found else None)


def _after(cls: Any, method: str, touch: Callable[..., None]) -> None:
    original = getattr(cls, method)
    if getattr(original, "_leedz_durable", False):
        return

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        touch(*args, **kwargs)
        return result

    wrapper._leedz_durable = True  # type: ignore[attr-defined]
    setattr(cls, method, wrapper)


def _transaction(transact_items: list[dict[str, Any]], *_: Any, **__: Any) -> None:
    for entry in transact_items:
        op = next(iter(entry.values()), {})
        if "TableName" in op:
            _touch_item(op["TableName"], op.get("Item") or op.get("Key") or {})


def install(saved: SavedData) -> None:
    """Note writes in moto's DynamoDB and S3 backends, and flush them when each request's answer is ready."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.s3.models import S3Backend

    _saved[:] = [saved]
    _after(DynamoDBBackend, "put_item", lambda table_name, item_attrs, *_, **__: _touch_item(table_name, item_attrs))
    _after(DynamoDBBackend, "update_item", lambda table_name, key, *_, **__: _touch("ddb", table_name, key))
    _after(DynamoDBBackend, "delete_item", lambda table_name, key, *_, **__: _touch("ddb", table_name, key))
    _after(DynamoDBBackend, "transact_write_items", _transaction)
    _after(S3Backend, "put_object", lambda bucket_name, key_name, *_, **__: _touch("s3", bucket_name, key_name))
    _after(S3Backend, "delete_object", lambda bucket_name, key_name, *_, **__: _touch("s3", bucket_name, key_name))
    action = DynamoHandler.call_action
    if not getattr(action, "_leedz_durable", False):
        def saved_action(self: Any) -> Any:  # ddb_lock wraps this: the save happens under the lock
            try:
                return action(self)
            finally:
                flush()

        saved_action._leedz_durable = True  # type: ignore[attr-defined]
        DynamoHandler.call_action = saved_action  # type: ignore[method-assign]
    call = DomainDispatcherApplication.__call__
    if not getattr(call, "_leedz_durable", False):
        def answered(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
            try:
                return call(self, environ, start_response)  # the answer is built; werkzeug sends it after this
            finally:
                flush()

        answered._leedz_durable = True  # type: ignore[attr-defined]
        DomainDispatcherApplication.__call__ = answered  # type: ignore[method-assign]


def restore(saved: SavedData) -> int:
    """Load the saved items and objects into the (freshly provisioned) backends; how many were loaded."""
    ddb, s3, count = _ddb(), _s3(), 0
    for table_name, item in saved.items():
        if table_name in ddb.tables:
            ddb.put_item(table_name, item)
            count += 1
    for bucket, key, body, metadata in saved.objects():
        if bucket in s3.buckets:
            s3.put_object(bucket, key, body, disable_notification=True).set_metadata(metadata, replace=True)
            count += 1
    _touched.entries = {}  # restoring is not a request: nothing to flush
    return count
