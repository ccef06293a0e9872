"""``ReservedConcurrentExecutions`` in the template, and honoured by the local runtime: no more of a function's
async events run at once than it reserves; the others wait (no attempt used) and run later, never dropped,
unless they wait past their maximum event age (then OnFailure, EventAgeExceeded, as Lambda does)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace

from infra import cfn
from infra.local.runtime.asyncq import AsyncInvoker, Chaos
from infra.local.runtime.workers import Outcome, Result
from infra.local.sam.model import Function, functions
from infra.local.state import State


def test_mail_and_thumbnails_reserve_their_concurrency_and_the_api_handlers_do_not():
    fns = functions(cfn.load())
    assert fns["EmailController"].reserved == 5
    assert fns["ThumbnailFunction"].reserved == 10
    assert all(fn.reserved is None for fn in fns.values() if fn.routes)  # the API takes from the shared pool


class _Slow:
    """A function taking 50 ms an invocation, noting how many ran at once."""

    def __init__(self) -> None:
        self.lock, self.running, self.most, self.calls = threading.Lock(), 0, 0, 0

    def __call__(self, name: str, payload: object, request_id: str) -> Result:
        with self.lock:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return Result(True, json.dumps({}), request_id, 50, Outcome.SUCCESS)


def _deliver(fn: Function, events: int, slow: _Slow) -> list[dict]:
    records: list[dict] = []
    state = State()
    invoker = AsyncInvoker({fn.name: fn}, slow, lambda _dest, record: records.append(record), state.history,
                           Chaos(retry_delay=0.01))
    for _ in range(events):
        invoker.submit(fn.name, {"function": "x"})
    deadline = time.time() + 10
    while invoker.pending and time.time() < deadline:
        time.sleep(0.01)
    assert invoker.pending == 0
    state.close()
    return records


def test_async_events_over_the_reserved_concurrency_wait_and_all_run():
    fn = replace(functions(cfn.load())["EmailController"], reserved=2)
    slow = _Slow()
    records = _deliver(fn, 6, slow)
    assert (slow.most, slow.calls) == (2, 6)
    assert records == []  # none failed or expired (EmailController has no OnSuccess destination)


def test_an_event_throttled_past_its_maximum_age_goes_to_on_failure_without_running():
    fn = replace(functions(cfn.load())["EmailController"], reserved=0, max_age=0.2)
    slow = _Slow()
    [record] = _deliver(fn, 1, slow)
    assert slow.calls == 0
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["responsePayload"]["errorType"] == "TooManyRequestsException"
