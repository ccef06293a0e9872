"""Fixtures of the moto tests: the IAM deploy rehearsal on every test, what SES received, SES calls, metrics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest

from infra.local.aws import ses_capture
from infra.local.state import State
from shared import clients, mail
from tests.conftest import Invocations
from tests.integration import iam_coverage
from tests.integration.aws_calls import AwsCalls, names_in_tests


@pytest.fixture(autouse=True)
def aws_calls(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
              ) -> Iterator[AwsCalls]:
    """Deploy rehearsal (issue 15): every AWS call a function makes in this test must be allowed by the role
    the SAM-transformed template gives it (tests/integration/iam_rehearsal.py), else the test fails."""
    calls = AwsCalls(names_in_tests(env))
    create_client = botocore.session.Session.create_client

    def hooked(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = create_client(self, *args, **kwargs)
        client.meta.events.register("before-parameter-build", calls.hook)
        return client

    invoke = Invocations.invoke

    def recorded_invoke(self: Invocations, **kwargs: Any) -> dict[str, Any]:
        calls.note("lambda", "Invoke", kwargs)
        return invoke(self, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "create_client", hooked)
    monkeypatch.setattr(Invocations, "invoke", recorded_invoke)
    clients.reset()  # clients cached before this test have no hook
    yield calls
    clients.reset()
    iam_coverage.SEEN.update((function, action) for function, action, _ in calls.seen)
    iam_coverage.RAN.add(request.path.name)
    if calls.refused:
        pytest.fail("on AWS these calls would be refused (AccessDenied):\n" + "\n".join(sorted(set(calls.refused))))


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
    """SES API operations actually sent (v1 and v2), by name (botocore's own event hook on the real clients)."""
    counts: Counter = Counter()
    clients.ses().meta.events.register("before-call.ses.*", lambda model, **_: counts.update([model.name]))
    clients.sesv2().meta.events.register("before-call.sesv2.*", lambda model, **_: counts.update([model.name]))
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
