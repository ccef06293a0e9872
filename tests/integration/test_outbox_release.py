"""The outbox fires a change's events together, and still clears its entry only when every one was accepted."""

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared import clients, db, outbox
from tests.conftest import Invocations
from tests.integration.leed_factory import post, table_without_profiles


def outbox_items():
    return [i for i in table_without_profiles() if i["pk"].startswith("OUTBOX#")]


class Together(Invocations):
    """Accepts an invoke only once ``parties`` invokes are waiting at the same time: fired one after the other,
    the first waits alone until the barrier's timeout breaks it, and that invoke fails."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.barrier = threading.Barrier(parties, timeout=2)

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.barrier.wait()
        return super().invoke(**kwargs)


class Refusing(Invocations):
    """Refuses the invokes of one function (its controller throttled, say); accepts the others."""

    def __init__(self, function: str) -> None:
        super().__init__()
        self.refused = function

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        if f'"function":"{self.refused}"' in kwargs["Payload"].decode():
            raise ConnectionError("TooManyRequestsException")
        return super().invoke(**kwargs)


@pytest.fixture
def recorder(aws: None, monkeypatch: pytest.MonkeyPatch):
    def install(fake: Invocations) -> Invocations:
        monkeypatch.setattr(clients, "lambda_", lambda: fake)
        return fake

    return install


def test_a_posts_two_invokes_are_in_flight_at_once_and_the_entry_is_cleared(recorder, lambda_context):
    invocations = recorder(Together(2))

    reply = post(lambda_context)

    assert reply.status == 201
    assert sorted(e["function"] for e in invocations.events()) == ["notifyUsers", "recordPost"]
    assert outbox_items() == []


def test_one_refused_invoke_keeps_the_entry_and_the_sweeper_fires_every_event_again(recorder, lambda_context):
    invocations = recorder(Refusing("recordPost"))

    reply = post(lambda_context)

    assert reply.status == 201  # committed: the refusal is the sweeper's to finish, not the client's error
    assert [e["function"] for e in invocations.events()] == ["notifyUsers"]  # the other one went out
    [entry] = outbox_items()
    assert sorted(e["function"] for e in entry["events"]) == ["notifyUsers", "recordPost"]

    invocations.refused = "nothing"
    assert outbox.sweep(now=datetime.now(UTC) + timedelta(minutes=5)) == 1
    # at least once: notifyUsers a second time (its controller is idempotent), recordPost for the first time
    assert sorted(e["function"] for e in invocations.events()) == ["notifyUsers", "notifyUsers", "recordPost"]
    assert {e["leed_id"] for e in invocations.events()} == {reply.body["id"]}
    assert outbox_items() == []


def test_a_release_of_one_event_fires_it_and_clears(recorder, lambda_context):
    invocations = recorder(Invocations())
    event = {"function": "recordPost", "correlation_id": "c-1", "leed_id": "a" * 32}
    outbox_id, entry = outbox.stage([event])
    db.transact([entry])
    assert outbox.release(outbox_id, [event]) is True
    assert invocations.events() == [event]
    assert outbox_items() == []
