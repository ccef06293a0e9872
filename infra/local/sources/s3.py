"""S3 notifications: moto's event made into the one AWS sends, routed to the function the template names."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus, unquote_plus


def queue_name(function: str) -> str:
    """The internal queue S3 notifications meant for ``function`` are configured to (``aws/provision.py``)."""
    return f"leedz-local-s3-{function}"


def complete_record(record: dict[str, Any]) -> dict[str, Any]:
    """Fields AWS puts in every S3 event record that moto leaves out."""
    record.setdefault("userIdentity", {"principalId": "AWS:LOCAL"})
    record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
    record.setdefault("responseElements", {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                                           "x-amz-id-2": uuid.uuid4().hex})
    obj = record["s3"].setdefault("object", {})
    obj.setdefault("sequencer", f"{time.time_ns():X}")
    obj["key"] = quote_plus(unquote_plus(obj.get("key", "")), safe="/")  # AWS keeps "/"; moto encodes it
    record["s3"]["bucket"].setdefault("ownerIdentity", {"principalId": "LOCAL"})
    return record


def router(functions: set[str], submit: Callable[[str, Any], str]) -> Callable[[str, dict[str, Any]], bool]:
    """The S3 hook's handler: an event on one of our queues goes to its function, asynchronously."""
    prefix = queue_name("")

    def route(queue: str, event: dict[str, Any]) -> bool:
        function = queue.removeprefix(prefix)
        if not queue.startswith(prefix) or function not in functions:
            return False
        for record in event.get("Records", []):
            complete_record(record)
        submit(function, event)
        return True

    return route
