"""Fire-and-forget events into the controllers: ``lambda.invoke(InvocationType="Event")``.

An event is ``{"function": NAME, "correlation_id": ID, ...ids}``: ids, never documents, so it stays far below
the 256 KiB async payload limit and the controller reads the current state itself. Which controller runs a
function is fixed here, once, so callers only name the function.
"""

from __future__ import annotations

import json
from typing import Any

from shared import clients, config

CONTROLLER_OF: dict[str, str] = {
    "notifyUsers": "email",
    "sendSaleReceipts": "email",
    "recordPost": "bookkeeping",
    "recordSale": "bookkeeping",
    "recordWithdrawal": "bookkeeping",
    "leedSold": "notification",
}


def event(function: str, correlation_id: str, **fields: Any) -> dict[str, Any]:
    """Build a controller event; raises ``KeyError`` for a function no controller knows."""
    CONTROLLER_OF[function]
    return {"function": function, "correlation_id": correlation_id, **fields}


def fire(payload: dict[str, Any]) -> None:
    """Queue one event for its controller and return at once (Lambda answers 202)."""
    controller = CONTROLLER_OF[payload["function"]]
    clients.lambda_().invoke(
        FunctionName=config.controller_function(controller),
        InvocationType="Event",
        Payload=json.dumps(payload, separators=(",", ":")).encode(),
    )
