"""schemathesis hooks for ``tests/e2e/test_fuzz_openapi.py`` (loaded by ``st run`` through SCHEMATHESIS_HOOKS).

Every check runs. Three kinds of failure are dropped, each only in its exact form, because there the check
encodes something this API cannot or must not do:
- ``unsupported_method`` wants 405 for a method the document does not declare. API Gateway answers such a
  method, as any unknown route, with its MISSING_AUTHENTICATION_TOKEN response, which this template maps to 404
  ``not_found``; the local gateway gives exactly that, so only that exact answer is accepted instead.
- ``positive_data_acceptance`` wants a schema-valid request accepted. A few rules cannot be said in OpenAPI: a
  leed's times relative to now and to each other, and a cursor the API itself issued. A 422 whose every detail
  is one of those rules is accepted; any other 422 still fails. So is a 422 for a price sent as ``601.0``:
  JSON Schema's ``integer`` takes it, the contract does not (a price is written as an integer).
- ``use_after_free`` wants 404 after a DELETE. ``DELETE /leeds/{id}`` withdraws the leed (the contract): it is
  still there, so a read of it (``status: withdrawn``) or of its attachments list is accepted.
Also: generated leed bodies get times inside the window those rules allow (keeping each value's form), so the
stateful phase reaches 201 and follows the links to the leed's other routes.
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData, UnsupportedMethodResponse, UseAfterFree

from infra import cfn
from infra.local.sam.gateway_config import gateway_answer
from infra.local.sam.resolver import Resolver

UNKNOWN_ROUTE = gateway_answer(Resolver(cfn.load(), ""), "MISSING_AUTHENTICATION_TOKEN")
UNEXPRESSIBLE = {  # (field, message) of the rules OpenAPI cannot state
    ("cursor", "not a cursor this API issued"),
    ("cursor", "not a cursor this API issued for this trade"),
    ("cursor", "not a cursor this API issued for this list"),
    ("near", "not a known ZIP code"),  # a well-formed ZIP that no place has
    ("radius_km", "needs near"),  # a parameter that depends on another
    ("body", "Value error, start must be in the future"),
    ("body", "Value error, start must be within 5 years"),
    ("body", "Value error, end must be after start"),
    ("body", "Value error, a leed lasts at most 24 hours"),
    ("to", "must not be before from"),
}
WRITTEN_AS_INTEGER = ("price_cents", "Input should be a valid integer")


def _json(response: Any) -> Any:
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


@schemathesis.hook
def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    """False drops the failure (see the module's docstring for the only ones that are); each dropped one is
    written to $LEEDZ_FUZZ_DROPPED when set, so the test can say what was dropped."""
    keep = _keep(failure, case, response)
    if not keep and os.environ.get("LEEDZ_FUZZ_DROPPED"):
        with open(os.environ["LEEDZ_FUZZ_DROPPED"], "a", encoding="utf-8") as out:
            out.write(f"{type(failure).__name__}\t{case.operation.label}\t{response.status_code}\n")
    return keep


def _keep(failure: Any, case: Any, response: Any) -> bool:
    if isinstance(failure, UnsupportedMethodResponse):
        status, body, _ = UNKNOWN_ROUTE
        return not (response.status_code == status and _json(response) == json.loads(body))
    if isinstance(failure, RejectedPositiveData) and response.status_code == 422:
        details = (_json(response) or {}).get("details") or [{}]
        return not all(_unexpressible(d.get("field"), d.get("message"), case.body) for d in details)
    if isinstance(failure, UseAfterFree) and failure.operation == "DELETE /leeds/{leed_id}":
        return not _withdrawn_leed_read(failure.usage, response)
    return True


def _withdrawn_leed_read(usage: str, response: Any) -> bool:
    """A read of a withdrawn leed (200, ``status: withdrawn``) or of its attachments list (200)."""
    if response.status_code != 200 or not usage.startswith("GET /leeds/"):
        return False
    if usage.endswith("/attachments"):
        return True
    return (_json(response) or {}).get("status") == "withdrawn"


def _unexpressible(field: Any, message: Any, body: Any) -> bool:
    if (field, message) == WRITTEN_AS_INTEGER:
        value = body.get(field) if isinstance(body, dict) else None
        return isinstance(value, float) and value.is_integer()
    return (field, message) in UNEXPRESSIBLE


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@schemathesis.hook
def map_body(ctx: Any, body: Any) -> Any:
    """A leed body's start between now and 5 years ahead and its end within 24 h after, when both are
    date-times with an offset (a negative case that broke them stays broken)."""
    operation = ctx.operation
    if operation is None or (operation.method.upper(), operation.path) != ("POST", "/leeds"):
        return body
    if not isinstance(body, dict):
        return body
    start, end = _time(body.get("start")), _time(body.get("end"))
    if start is None or end is None or start.tzinfo is None or end.tzinfo is None:
        return body
    rng = random.Random(json.dumps(body, sort_keys=True, default=str))  # the same body maps the same way
    new_start = (datetime.now(UTC) + timedelta(days=rng.randint(2, 1500), minutes=rng.randint(0, 1439)))
    new_start = new_start.replace(microsecond=0).astimezone(start.tzinfo)
    return {**body, "start": new_start.isoformat(),
            "end": (new_start + timedelta(minutes=rng.randint(1, 24 * 60))).isoformat()}
