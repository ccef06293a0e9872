"""Fixtures shared by every test: fake credentials, moto with the template's resources, a Lambda context."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra import cfn
from shared import clients, warm_caches

TABLE = "leedz-test"
SENDER = "noreply@leedz.example"

# Never let a test reach a real account, whatever the developer's shell has.
for _var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_DYNAMODB"):
    os.environ.pop(_var, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    POWERTOOLS_METRICS_DISABLED="true",
    POWERTOOLS_TRACE_DISABLED="true",
)


_TEST_ENV = {
    "TABLE_NAME": TABLE,
    "SENDER_EMAIL": SENDER,
    "EMAIL_CONTROLLER": "EmailController",
    "BOOKKEEPING_CONTROLLER": "BookkeepingController",
    "NOTIFICATION_CONTROLLER": "NotificationController",
    "ACCOUNT_CONTROLLER": "AccountController",
    "UPLOAD_BUCKET": "leedz-uploads-test",
    "OUTPUT_BUCKET": "leedz-thumbnails-test",
    "PUBLIC_BASE_URL": "http://127.0.0.1:3000",
    "SES_CONFIGURATION_SET": "leedz-email-test",
    "UNSUBSCRIBE_KEY_SECRET": "leedz-unsubscribe-key-test",
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = dict(_TEST_ENV)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def aws(env: dict[str, str]) -> Iterator[None]:
    """moto with the template's table, the sender verified, the configuration set and the unsubscribe key, and
    no warm cache from an earlier test."""
    from infra.local.aws import places

    places.install()  # Location Service's Geocode answered offline, as the local stack does
    places.set_down(False)
    with mock_aws():
        warm_caches.reset()
        cfn.create_tables(boto3.client("dynamodb"), {"LeedzTable": TABLE})
        boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
        boto3.client("sesv2").create_configuration_set(ConfigurationSetName=_TEST_ENV["SES_CONFIGURATION_SET"])
        boto3.client("secretsmanager").create_secret(Name=_TEST_ENV["UNSUBSCRIBE_KEY_SECRET"],
                                                     SecretString=uuid.uuid4().hex * 2)
        yield
    warm_caches.reset()


@dataclass
class Invocations:
    """Records ``lambda.invoke`` calls instead of sending them: moto would try to run them in Docker."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        if self.fail:
            raise ConnectionError("lambda endpoint unreachable")
        self.calls.append({**kwargs, "Payload": json.loads(kwargs["Payload"])})
        return {"StatusCode": 202 if kwargs.get("InvocationType") == "Event" else 200}

    def events(self, function: str | None = None) -> list[dict[str, Any]]:
        return [c["Payload"] for c in self.calls if function is None or c["Payload"]["function"] == function]


@pytest.fixture
def invocations(aws: None, monkeypatch: pytest.MonkeyPatch) -> Invocations:
    """Every ``lambda.invoke`` recorded instead of sent; a test hands the recorded payloads to the controllers
    it exercises itself (e.g. ``drain`` in ``tests/integration/test_email_controller.py``)."""
    recorder = Invocations()
    monkeypatch.setattr(clients, "lambda_", lambda: recorder)
    return recorder


@dataclass
class FakeContext:
    function_name: str = "test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test"
    # Unique per context: tests in other workers share the temp directory the thumbnail names files in by it.
    aws_request_id: str = field(default_factory=lambda: f"req-{uuid.uuid4().hex[:12]}")
    remaining_ms: int = 300_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def lambda_context() -> FakeContext:
    return FakeContext()


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``-n N``: tests spread one by one as xdist's ``load`` does, except the browser tests (``tests/browser``),
    which all go to one worker so one local stack and one Chromium serve them. Hand-made because xdist's
    ``loadgroup`` (the ``xdist_group`` mark) does not group under pytest 9, whose node ids it can no longer tag."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/browser" if nodeid.startswith("tests/browser/") else nodeid

    return BrowserTestsTogether(config, log)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line, once, when the browser tests were skipped for want of a Chromium (or Playwright): the reason
    ``tests/browser/conftest.py`` gave them, which says how to get one."""
    reasons = {report.longrepr[2].removeprefix("Skipped: ") for report in terminalreporter.stats.get("skipped", [])
               if report.nodeid.startswith("tests/browser/") and isinstance(report.longrepr, tuple)}
    for reason in sorted(r for r in reasons if r.startswith("browser tests skipped")):
        terminalreporter.write_line(reason)


# ---------------------------------------------------------------- IAM grants no test used (issue 15)
# Gathered from every xdist worker, so these hooks live here (the root conftest is loaded by the controller,
# tests/integration/conftest.py is not). The comparison itself is tests/integration/iam_coverage.py.
def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.integration import iam_coverage

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand what it saw to the controller
        workeroutput["aws_calls"] = sorted(iam_coverage.SEEN)
        workeroutput["aws_call_files"] = sorted(iam_coverage.RAN)
        return
    failing = _iam_report(session.config)
    if failing and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    from tests.integration import iam_coverage

    iam_coverage.SEEN.update(tuple(pair) for pair in node.workeroutput.get("aws_calls", []))
    iam_coverage.RAN.update(node.workeroutput.get("aws_call_files", []))


def _iam_report(config: pytest.Config) -> list[str]:
    from tests.integration import iam_coverage
    from tests.integration.aws_calls import names_in_tests

    if not iam_coverage.SEEN or not iam_coverage.whole_suite_ran(iam_coverage.RAN, config):
        return []
    names = names_in_tests(_TEST_ENV)
    failing, listed = iam_coverage.unused(iam_coverage.SEEN, names)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        for line in failing:
            reporter.write_line(f"IAM grant no integration test used (remove it or test it): {line}", red=True)
        if listed and config.option.verbose > 0:
            for line in listed:
                reporter.write_line(f"IAM policy-template actions unused (SAM bundle): {line}")
        elif listed:
            reporter.write_line(f"IAM: {len(listed)} functions have policy-template actions no test used "
                                "(SAM's bundles; pytest -v lists them)")
    return failing
