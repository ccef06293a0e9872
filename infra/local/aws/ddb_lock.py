"""One DynamoDB request at a time in the in-process moto server.

moto's DynamoDB backend is not thread-safe, and the threaded server hands it requests from every worker at
once: ``transact_write_items`` deep-copies each table it touches and, when the transaction is cancelled (a
losing buyer), puts that copy back, undoing whatever another request committed meanwhile; the deep copy itself
fails ("dictionary changed size during iteration") when a concurrent write lands, and the caller sees a 500.
``transactions.py``'s cheaper per-item backup has the same race (a cancelled transaction puts back an item a
concurrent request changed since). Real DynamoDB is atomic per request, so serialising requests is faithful,
and at local volumes costs little (about 2.6 ms a request at 8 concurrent clients). Reads are serialised too,
so they never see a transaction half-applied before its rollback. ``tests/e2e/test_concurrent_writes.py``.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_lock = threading.Lock()


def install() -> None:
    """Wrap moto's DynamoDB request handler (idempotent); every DynamoDB API call goes through ``call_action``."""
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.call_action
    if getattr(original, "_leedz_serialised", False):
        return

    @functools.wraps(original)
    def call_action(self: Any) -> Any:
        with _lock:
            return original(self)

    call_action._leedz_serialised = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
