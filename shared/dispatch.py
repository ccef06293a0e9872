"""Fire-and-forget events into the controllers: ``lambda.invoke(InvocationType="Event")``.

An event is ``{"function": NAME, "correlation_id": ID, ...ids}``: ids, never documents, so it stays far below
the 256 KiB async payload limit and the controller reads the current state itself. Which controller runs a
function is fixed here, once, so callers only name the function.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared import clients, config

CONTROLLER_OF: dict[str, str] = {
    "notifyUsers": "email",
    "sendSaleReceipts": "email",
    "recordPost": "bookkeeping",
    "recordSale": "bookkeeping",
    "recordWithdrawal": "bookkeeping",
    "leedSold": "notification",
    "reportLeed": "email",
    "confirmErasure": "email",
    "eraseAccount": "account",
}
# Functions about an account rather than a leed: they carry ``username`` instead of ``leed_id``.
ACCOUNT_FUNCTIONS = {"eraseAccount", "confirmErasure"}


class UnknownFunction(KeyError):
    """An event for a function no controller runs: a bug in the caller, never sent."""


class ControllerEvent(BaseModel):
    """Every controller event, as the contract states it: the function, the correlation id, the leed's id; a
    fan-out continuation (``shared.fanout``) also carries its batch number and the page it starts from.
    The console test events in ``events/`` are checked against it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    function: str
    correlation_id: str = Field(min_length=1)
    leed_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    username: str | None = Field(default=None, min_length=1, max_length=128)  # the reporter; the erased user
    batch: int = Field(default=0, ge=0)
    start: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _names_its_subject(self) -> ControllerEvent:
        if self.function in ACCOUNT_FUNCTIONS and not self.username:
            raise ValueError(f"{self.function} needs the username")
        if self.function not in ACCOUNT_FUNCTIONS and not self.leed_id:
            raise ValueError(f"{self.function} needs the leed_id")
        return self

    @field_validator("function")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in CONTROLLER_OF:
            raise ValueError(f"no controller runs {name!r}; one of {', '.join(CONTROLLER_OF)}")
        return name


def event(function: str, correlation_id: str, **fields: Any) -> dict[str, Any]:
    """Build a controller event; raises ``UnknownFunction`` for a function no controller knows."""
    if function not in CONTROLLER_OF:
        raise UnknownFunction(function)
    return {"function": function, "correlation_id": correlation_id, **fields}


def fire(payload: dict[str, Any]) -> None:
    """Queue one event for its controller and return at once (Lambda answers 202)."""
    controller = CONTROLLER_OF[payload["function"]]
    clients.lambda_().invoke(
        FunctionName=config.controller_function(controller),
        InvocationType="Event",
        Payload=json.dumps(payload, separators=(",", ":")).encode(),
    )
