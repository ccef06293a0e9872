"""A send left in progress by a crashed invocation is retried once its lease lapses, not blocked until the
crashed invocation's timeout; a concurrent duplicate waits for the other and gets its saved result."""

from __future__ import annotations

import threading
import time

import pytest

from shared import idempotent


class Crashed(BaseException):
    """Stands in for the container dying mid-send: nothing after it runs (not even powertools' clean-up)."""


@pytest.fixture
def short_lease(monkeypatch):
    monkeypatch.setattr(idempotent, "LEASE_SECONDS", 1)
    monkeypatch.setattr(idempotent, "POLL_SECONDS", 0.1)


def test_a_crashed_send_is_sent_again_after_its_lease(aws, short_lease, lambda_context):
    sent: list[str] = []
    crash = [True]

    def send(unit):  # one function (its name is part of the idempotency key): it crashes the first time
        if crash.pop() if crash else False:
            raise Crashed
        sent.append(unit["batch"])
        return {"sent": 1}

    with pytest.raises(Crashed):
        idempotent.run_once(send, {"leed_id": "a" * 32, "batch": 1}, leed_id="a" * 32, key_fields="batch",
                            context=lambda_context)
    started = time.monotonic()
    assert idempotent.run_once(send, {"leed_id": "a" * 32, "batch": 1}, leed_id="a" * 32, key_fields="batch",
                               context=lambda_context) == {"sent": 1}
    assert sent == [1] and 0.5 < time.monotonic() - started < 3  # waited out the 1 s lease, not 300 s


def test_a_concurrent_duplicate_waits_and_gets_the_saved_result(aws, short_lease, lambda_context):
    sent: list[int] = []
    started = threading.Event()

    def slow_send(unit):
        started.set()
        time.sleep(0.4)
        sent.append(unit["batch"])
        return {"sent": len(sent)}

    results = []
    first = threading.Thread(target=lambda: results.append(idempotent.run_once(
        slow_send, {"batch": 2}, leed_id="b" * 32, key_fields="batch", context=lambda_context)))
    first.start()
    started.wait(5)
    second = idempotent.run_once(slow_send, {"batch": 2}, leed_id="b" * 32, key_fields="batch",
                                 context=lambda_context)
    first.join()
    assert sent == [2] and second == results[0] == {"sent": 1}
