"""Fuzz every route of the running local stack from its own OpenAPI document (schemathesis).

Each operation gets schema-valid (positive) and schema-breaking (negative) requests from hypothesis, with a
bearer token (negative cases that break the Authorization header on purpose get the 401s). Path parameters are
random (mostly 404) and also pinned to real leeds, one the fuzzing user sells and one another user sells, so
success answers are checked too. Every answer must be no 5xx, have a documented status and content type, and a
body and headers matching the documented schema, error answers included. Hypothesis is derandomized (a fixed
seed per test) and keeps no example database, so CI sends the same requests each run. The number of requests
is printed and asserted (>= 1,000).
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from infra.local.launch import ROOT
from shared.trades import CATALOGUE

# Hypothesis keeps caches in ./.hypothesis; under .cache/ they stay out of what `sam build` packages.
set_hypothesis_home_dir(ROOT / ".cache" / "hypothesis")

# Not ``negative_data_rejection``: bodies are normalised before their rules (whitespace stripped, so a padded
# string over maxLength can be valid), and our token replaces the Authorization header a negative case drops.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# CI runs the fixed budget below; LEEDZ_FUZZ_SCALE=4 multiplies it and LEEDZ_FUZZ_SEED=N explores other
# requests (random, seeded) for a longer hunt by hand.
SCALE = float(os.environ.get("LEEDZ_FUZZ_SCALE", "1"))
FUZZ_SEED = os.environ.get("LEEDZ_FUZZ_SEED")
EXAMPLES = {GenerationMode.POSITIVE: int(50 * SCALE), GenerationMode.NEGATIVE: int(35 * SCALE)}
PINNED_EXAMPLES = int(15 * SCALE)  # per real leed, per operation with a {leed_id}
MIN_REQUESTS = 1000


def _leed_body(days: int = 200) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
    return {"trade": "magician", "title": "Fuzz target", "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "location": {"address": f"{uuid.uuid4().hex[:8]} Fuzz Lane", "zip": "10001"}, "price_cents": 500}


# Random bodies almost never pass the business rules (a start in the future, within 24 h of the end...), so
# these routes also get one valid body each: their success answers are checked too.
VALID_BODIES = {
    "POST /leeds": _leed_body,
    "POST /leeds/{leed_id}/attachments": lambda: {"filename": "photo.jpg", "content_type": "image/jpeg"},
}


def _leed(stack, token: str) -> str:
    resp = requests.post(f"{stack.api}/leeds", json=_leed_body(), headers={"Authorization": f"Bearer {token}"},
                         timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _run(operation: Any, mode: GenerationMode, examples: int, *, headers: dict[str, str], base_url: str,
         sent: Counter, **pinned: Any) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, **pinned))
    @seed(int(FUZZ_SEED or 0))
    @settings(max_examples=examples, derandomize=FUZZ_SEED is None, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    def fuzz(case: Any) -> None:
        sent[operation.label] += 1
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)
        sent[(operation.label, response.status_code)] += 1

    with contextlib.suppress(Unsatisfiable):  # e.g. nothing to break in a route without inputs: positive covers it
        fuzz()


@pytest.fixture(scope="module")
def target(stack) -> Iterator[dict[str, Any]]:
    """The schema, a token for the fuzzing user, a leed it sells and one another user sells. Afterwards the
    fuzzing user is subscribed to nothing, so later tests on this stack see only the demo subscribers."""
    token, other = stack.token("fuzzer"), stack.token("fuzz-other")
    headers = {"Authorization": f"Bearer {token}"}
    # Fetched here, with a generous timeout: the first request builds the document by importing every handler.
    document = requests.get(f"{stack.api}/_local/openapi.json", timeout=120).json()
    yield {"schema": schemathesis.openapi.from_dict(document), "headers": headers,
           "leeds": (_leed(stack, token), _leed(stack, other)), "base_url": stack.api,
           # DELETE /users/me erases its caller, whose token then opens nothing: a user of its own, fuzzed last
           "erased_headers": {"Authorization": f"Bearer {stack.token('fuzz-erased')}"}}
    for trade in CATALOGUE:
        resp = requests.delete(f"{stack.api}/users/me/subscriptions/{trade}", headers=headers, timeout=30)
        assert resp.status_code == 204, resp.text


ERASES_CALLER = "DELETE /users/me"


def _fuzz(target: dict[str, Any], operation: Any, sent: Counter) -> None:
    headers = target["erased_headers"] if operation.label == ERASES_CALLER else target["headers"]
    run = partial(_run, operation, headers=headers, base_url=target["base_url"], sent=sent)
    for mode, examples in EXAMPLES.items():
        run(mode, examples)
    pinned = [{"path_parameters": {"leed_id": leed_id}} for leed_id in target["leeds"]]
    if "{leed_id}" in operation.path:
        for params in pinned:
            run(GenerationMode.POSITIVE, PINNED_EXAMPLES, **params)
    if operation.label in VALID_BODIES:
        for params in pinned if "{leed_id}" in operation.path else [{}]:
            run(GenerationMode.POSITIVE, 1, body=VALID_BODIES[operation.label](), **params)


def test_every_route_answers_as_documented(target):
    sent: Counter = Counter()
    started = time.monotonic()
    operations = [op for op in (result.ok() for result in target["schema"].get_all_operations())
                  if "local" not in (op.definition.raw.get("tags") or [])]  # the local stack's own routes
    assert len(operations) >= 13, [op.label for op in operations]
    fuzzed, failures = sorted(operations, key=lambda op: op.label == ERASES_CALLER), {}
    for operation in fuzzed:  # every operation, even after one fails: a run reports all it finds
        try:
            _fuzz(target, operation, sent)
        except (AssertionError, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup is a BaseExceptionGroup
            failures[operation.label] = exc
    elapsed = time.monotonic() - started
    total = sum(n for key, n in sent.items() if isinstance(key, str))
    print(f"\nschemathesis {schemathesis.__version__}: {total} requests over {len(fuzzed)} operations in "
          f"{elapsed:.1f} s")
    for op in fuzzed:
        codes = {code: n for (label, code), n in sorted((k, n) for k, n in sent.items() if isinstance(k, tuple))
                 if label == op.label}
        print(f"  {op.label}: {sent[op.label]} requests, by status {codes}")
    assert not failures, "\n\n".join(f"{label}: {exc}" for label, exc in failures.items())
    assert total >= MIN_REQUESTS
    assert all(sent[op.label] for op in fuzzed)

