"""Fixtures for the moto tests of emails: what SES received, and how many SES calls it took."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from infra.local.aws import ses_capture
from infra.local.state import State
from shared import clients, mail


@pytest.fixture
def inbox(aws: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every email sent from now on, as each recipient got it; SES paced at 1,000/s so tests stay fast."""
    state = State()
    ses_capture.install(state.mailbox.record, max_send_rate=1000)
    mail.forget_quota()
    yield state.mailbox.items
    state.close()


@pytest.fixture
def ses_calls(aws: None) -> Counter:
    """SES API operations actually sent, by name (botocore's own event hook on the real client)."""
    counts: Counter = Counter()
    clients.ses().meta.events.register("before-call.ses.*", lambda model, **_: counts.update([model.name]))
    return counts


@pytest.fixture
def metrics_emitted(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """Metrics on (the suite turns them off) from a clean slate: a function returning metric name -> total of
    what the functions printed since the last call (CloudWatch embedded metric format on stdout)."""
    from shared.observability import metrics
    from tests.integration.controller_helpers import emitted_metrics

    metrics.clear_metrics()  # while disabled, powertools keeps what it was given instead of printing it
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    capsys.readouterr()
    yield lambda: emitted_metrics(capsys.readouterr().out)
    metrics.clear_metrics()
