"""S3 notifications delivered the moment moto emits them (so ``pending`` counts them as soon as the upload
returns): moto sends them to the per-function SQS queue ``provision`` configured; we take that call over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_handler: list[Callable[[str, dict[str, Any]], bool]] = []  # the running stack's (one per process)


def install(handler: Callable[[str, dict[str, Any]], bool]) -> None:
    """``handler(queue_name, event_body)`` returns True when it took the event, else moto sends it on."""
    from moto.s3 import notifications

    _handler[:] = [handler]
    if getattr(notifications._send_sqs_message, "_leedz_wrapped", False):
        return
    original = notifications._send_sqs_message

    def send(account_id: str, event_body: Any, queue_name: str, region_name: str) -> None:
        if not (_handler and _handler[0](queue_name, event_body)):
            original(account_id, event_body, queue_name, region_name)

    send._leedz_wrapped = True  # type: ignore[attr-defined]
    notifications._send_sqs_message = send
