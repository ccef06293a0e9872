"""shared.mail.send_bulk against an SES that refuses some destinations: who ends up with how many emails.

moto accepts every destination, so SES's per-destination statuses come from a scripted stand-in here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from shared import clients, mail, suppression

Step = Callable[[list[str]], list[str]]


class ScriptedSes:
    """Each call runs the next step: it gets the call's addresses and returns their statuses (or raises)."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.delivered: Counter = Counter()
        self.calls = 0

    def send_bulk_email(self, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        addresses = [d["Destination"]["ToAddresses"][0] for d in kwargs["BulkEmailEntries"]]
        statuses = self.steps.pop(0)(addresses)
        for address, status in zip(addresses, statuses, strict=True):
            if status == "SUCCESS":
                self.delivered[address] += 1
        return {"BulkEmailEntryResults": [{"Status": s} for s in statuses]}


def all_ok(addresses: list[str]) -> list[str]:
    return ["SUCCESS"] * len(addresses)


def first_refused(n: int, status: str) -> Step:
    return lambda addresses: [status if i < n else "SUCCESS" for i in range(len(addresses))]


def throttled(_addresses: list[str]) -> list[str]:
    raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}},
                      "SendBulkEmail")


@pytest.fixture
def ses(monkeypatch: pytest.MonkeyPatch) -> Callable[..., ScriptedSes]:
    monkeypatch.setenv("SENDER_EMAIL", "noreply@leedz.example")
    monkeypatch.setattr(suppression, "suppressed", lambda addresses: set())  # none here; see the last test

    def install(*steps: Step) -> ScriptedSes:
        fake = ScriptedSes(*steps)
        monkeypatch.setattr(clients, "sesv2", lambda: fake)
        return fake
    return install


DESTINATIONS = [mail.Destination(f"user{i}@example.com", {"name": f"User {i}"}) for i in range(10)]


def _send() -> int:
    return mail.send_bulk("tpl", DESTINATIONS, mail.Pacer(1e9, sleep=lambda _s: None))


def test_a_passing_refusal_is_resent_to_those_destinations_only(ses):
    fake = ses(first_refused(3, "TRANSIENT_FAILURE"), all_ok)
    assert _send() == 10
    assert fake.delivered == Counter({d.address: 1 for d in DESTINATIONS})


def test_a_final_refusal_is_counted_not_resent(ses):
    fake = ses(first_refused(2, "MESSAGE_REJECTED"))
    assert _send() == 8
    assert fake.calls == 1


def test_an_error_on_a_resend_keeps_what_went_out_and_does_not_raise(ses):
    # Raising here would make Lambda's retry send the whole batch again: 7 people would get it twice.
    fake = ses(first_refused(3, "ACCOUNT_THROTTLED"), throttled)
    assert _send() == 7
    assert sorted(fake.delivered.values()) == [1] * 7


def test_an_error_on_the_first_call_raises_so_lambda_retries_the_batch(ses):
    fake = ses(throttled)
    with pytest.raises(ClientError):
        _send()
    assert not fake.delivered


def test_still_refused_after_every_attempt_is_logged_and_counted(ses):
    fake = ses(first_refused(2, "FAILED"), first_refused(2, "FAILED"), first_refused(2, "FAILED"))
    assert _send() == 8
    assert fake.calls == mail.ATTEMPTS


def test_suppressed_addresses_are_never_sent_to(ses, monkeypatch):
    fake = ses(all_ok)
    monkeypatch.setattr(suppression, "suppressed", lambda addresses: {"user0@example.com", "user9@example.com"})
    assert _send() == 8
    assert set(fake.delivered) == {d.address for d in DESTINATIONS[1:9]}


def test_everyone_suppressed_makes_no_call(ses, monkeypatch):
    fake = ses()
    monkeypatch.setattr(suppression, "suppressed", lambda addresses: set(addresses))
    assert _send() == 0 and fake.calls == 0
