"""The local stack's pieces without HTTP: template parsing, routing, tokens, workers, async semantics."""

import copy
import json
import threading
import time

import pytest

from infra import cfn
from infra.local.auth import Tokens
from infra.local.http.routing import Router
from infra.local.runtime.asyncq import AsyncInvoker, Chaos
from infra.local.runtime.workers import Outcome, Pool, Result
from infra.local.sam.gateway_config import GATEWAY_DEFAULTS, cors_preflight, gateway_answer
from infra.local.sam.model import Function, functions
from infra.local.sam.resolver import Resolver
from infra.local.state import State

ENDPOINT = "http://127.0.0.1:5555"


@pytest.fixture(scope="module")
def fns():
    return functions(cfn.load(), ENDPOINT)


def test_env_vars_resolve_refs_to_local_names(fns):
    add = fns["AddLeedFunction"]
    assert add.env["TABLE_NAME"] == "LeedzTable"  # Globals merged
    assert add.env["EMAIL_CONTROLLER"] == "EmailController"  # Ref to a function = its logical id
    assert fns["EmailController"].env["SENDER_EMAIL"] == "noreply@leedz.example"  # parameter default
    assert add.module == "handlers.add_leed" and add.attr == "handler"
    assert fns["EmailController"].timeout == 300 and add.timeout == 10


def test_routes_and_auth_from_api_events(fns):
    assert [(r.method, r.path, r.public) for r in fns["ListTradesFunction"].routes] == [("GET", "/trades", True)]
    assert [(r.method, r.path, r.public) for r in fns["BuyLeedFunction"].routes] == [
        ("POST", "/leeds/{id}/buy", False)]


def test_event_invoke_config_and_schedules(fns):
    email = fns["EmailController"]
    assert (email.retries, email.max_age) == (2, 3600)
    assert email.on_failure.kind == "SQS"
    assert email.on_failure.target == "arn:aws:sqs:us-east-1:123456789012:FailureQueue"
    assert fns["AddLeedFunction"].retries == 2 and fns["AddLeedFunction"].max_age == 6 * 3600  # Lambda defaults
    assert fns["OutboxSweeper"].schedules == ["rate(1 minute)"]


def test_resolver_sub_and_queue_ref():
    resolver = Resolver(cfn.load(), ENDPOINT)
    assert resolver.resolve({"Fn::Sub": "${LeedzTable}-${AWS::Region}-${FailureQueue.Arn}"}) == (
        "LeedzTable-us-east-1-arn:aws:sqs:us-east-1:123456789012:FailureQueue")
    assert resolver.resolve({"Ref": "FailureQueue"}) == f"{ENDPOINT}/123456789012/FailureQueue"


def test_router_prefers_literal_paths_and_extracts_params(fns):
    router = Router(fns)
    assert router.match("GET", "/leeds/abc").params == {"id": "abc"}
    assert router.match("POST", "/leeds/abc/buy").fn.name == "BuyLeedFunction"
    assert router.match("GET", "/users/me").fn.name == "GetProfileFunction"
    assert router.match("PATCH", "/trades") is None
    assert router.match("GET", "/nope") is None


def test_tokens_verify_and_reject_tampering():
    tokens = Tokens()
    token = tokens.issue("alice", "alice@example.com")
    assert tokens.verify(f"Bearer {token}") == {"cognito:username": "alice", "email": "alice@example.com",
                                                 "email_verified": True}
    assert tokens.verify(f"Bearer {token[:-2]}xx") is None
    assert tokens.verify(token) is None
    assert Tokens().verify(f"Bearer {token}") is None  # another run's secret


def _sample(timeout: int = 1) -> Function:
    return Function(name="Sample", module="tests.e2e.sample_functions", attr="counter", timeout=timeout,
                    memory=128, env={})


def test_worker_keeps_warm_state_and_enforces_timeout():
    pool = Pool(_sample(), {}, size=1)
    try:
        first, second = pool.invoke({}), pool.invoke({})
        assert json.loads(first.payload)["calls"] == 1 and json.loads(second.payload)["calls"] == 2
        assert json.loads(second.payload)["function_name"] == "Sample"
        slow = pool.invoke({"sleep": 3})
        assert (slow.ok, slow.outcome, slow.payload["errorType"]) == (False, "timeout", "Sandbox.Timedout")
        again = pool.invoke({})  # a fresh instance: cold again
        assert again.ok and json.loads(again.payload)["calls"] == 1
        failed = pool.invoke({"fail": True})
        assert failed.payload["errorType"] == "ValueError" and failed.payload["errorMessage"] == "asked to fail"
    finally:
        pool.close()


def test_each_invocation_s_output_comes_back_with_its_result():
    pool = Pool(_sample(), {}, size=1)
    try:
        said = pool.invoke({"say": "hello from the handler"})
        assert said.log == "hello from the handler\n"
        assert pool.invoke({}).log == ""  # only this invocation's output
    finally:
        pool.close()


class _Flaky:
    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0
        self.lock = threading.Lock()

    def __call__(self, name, payload, request_id):
        with self.lock:
            self.calls += 1
            ok = self.calls > self.failures
        return Result(ok, json.dumps({"ok": True}) if ok else {"errorMessage": "boom", "errorType": "E"},
                      request_id, 1, Outcome.SUCCESS if ok else Outcome.ERROR)


def _run(flaky, chaos, fn=None, state=None):
    fn = fn or functions(cfn.load(), ENDPOINT)["EmailController"]
    records = []
    state = state or State()
    invoker = AsyncInvoker({fn.name: fn}, flaky, lambda dest, rec: records.append(rec), state.history, chaos)
    invoker.submit(fn.name, {"function": "x"})
    deadline = time.time() + 5
    while invoker.pending and time.time() < deadline:
        time.sleep(0.01)
    assert invoker.pending == 0
    return records


def test_async_retries_then_failure_record():
    records = _run(_Flaky(failures=99), Chaos(retry_delay=0.01))
    [record] = records
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestPayload"] == {"function": "x"}
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "boom"


def test_async_succeeds_on_a_retry_without_failure_record():
    flaky = _Flaky(failures=2)
    assert _run(flaky, Chaos(retry_delay=0.01)) == [] and flaky.calls == 3


def test_async_event_age_exceeded():
    fn = functions(cfn.load(), ENDPOINT)["EmailController"]
    fn.max_age = 0
    [record] = _run(_Flaky(failures=99), Chaos(retry_delay=0.05), fn)
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 1


def test_an_event_too_old_for_its_next_retry_is_dropped_when_it_expires_not_after_the_wait():
    fn = functions(cfn.load(), ENDPOINT)["EmailController"]
    fn.max_age = 0.3
    started = time.monotonic()
    [record] = _run(_Flaky(failures=99), Chaos(retry_delay=2), fn)
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert time.monotonic() - started < 1.5  # the 2 s backoff was not waited out


def test_injected_faults_are_counted_apart_from_what_the_handler_did(capsys):
    state = State()
    flaky = _Flaky(failures=0)
    _run(flaky, Chaos(retry_delay=0.01, fault_rate=1.0, seed=7), state=state)
    injected = state.stats()["async"]
    assert injected.get("injected_before", 0) + injected.get("injected_after", 0) == 3  # every attempt
    assert injected.get("injected_after", 0) == flaky.calls  # the handler ran exactly under "after" faults
    lines = [line for line in capsys.readouterr().out.splitlines() if '"INJECTED"' in line]
    assert len(lines) == 3 and all(line.startswith("EmailController | ") for line in lines)


def test_fault_injection_and_duplicates():
    flaky = _Flaky(failures=0)
    [record] = _run(flaky, Chaos(retry_delay=0.01, fault_rate=1.0, seed=7))
    assert record["responsePayload"]["errorType"] == "Local.InjectedFault"
    assert 0 <= flaky.calls <= 3  # "after" faults ran the handler, "before" faults did not
    twice = _Flaky(failures=0)
    _run(twice, Chaos(retry_delay=0.01, duplicate_rate=1.0))
    assert twice.calls == 2


def _policy(conditions, minutes=10):
    import base64
    from datetime import UTC, datetime, timedelta

    expiration = (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return base64.b64encode(json.dumps({"expiration": expiration, "conditions": conditions}).encode()).decode()


def test_post_policy_is_enforced_like_s3():
    from infra.local.aws.s3post import violation

    conditions = [{"bucket": "b"}, ["starts-with", "$key", "leeds/"], {"Content-Type": "image/png"},
                  ["content-length-range", 1, 100]]
    fields = {"bucket": "b", "key": "leeds/x.png", "content-type": "image/png"}
    assert violation(_policy(conditions), fields, 50) is None
    assert violation(_policy(conditions), fields, 101)[2].count("EntityTooLarge") == 1
    assert violation(_policy(conditions), fields, 0)[0] == 400
    assert violation(_policy(conditions), {**fields, "key": "other/x.png"}, 50)[0] == 403
    assert violation(_policy(conditions), {**fields, "content-type": "image/gif"}, 50)[0] == 403
    assert "expired" in violation(_policy(conditions, minutes=-1), fields, 50)[2]


def test_workers_started_on_older_code_are_replaced(tmp_path):
    from infra.local.runtime.reload import CodeVersion

    (tmp_path / "handlers").mkdir()
    source = tmp_path / "handlers" / "h.py"
    source.write_text("x = 1\n")
    code = CodeVersion(tmp_path, interval=0)
    pool = Pool(_sample(timeout=5), {}, size=1, code=code.current)
    try:
        assert json.loads(pool.invoke({}).payload)["calls"] == 1
        assert json.loads(pool.invoke({}).payload)["calls"] == 2  # warm
        import os

        os.utime(source, (time.time() + 5, time.time() + 5))
        assert json.loads(pool.invoke({}).payload)["calls"] == 1  # a fresh import of the new code
    finally:
        pool.close()


CONTRACT_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 413: "too_large", 500: "internal"}


def test_the_gateways_own_answers_are_in_the_contracts_shape():
    """What API Gateway answers without running a function (a bad token, an unknown route), from the real
    template's GatewayResponses: the local stack serves exactly these, with the CORS origin."""
    resolver = _with_origin("https://app.example")
    answers = {kind: gateway_answer(resolver, kind) for kind in GATEWAY_DEFAULTS}
    assert {kind: status for kind, (status, _, _) in answers.items()} == {
        "UNAUTHORIZED": 401, "MISSING_AUTHENTICATION_TOKEN": 404, "DEFAULT_5XX": 500, "REQUEST_TOO_LARGE": 413}
    for status, body, headers in answers.values():
        assert json.loads(body)["error"] == CONTRACT_CODES[status] and json.loads(body)["message"]
        assert headers == {"Access-Control-Allow-Origin": "https://app.example"}
    [api] = cfn.resources("AWS::Serverless::Api", resolver.template).values()
    for kind, spec in api["GatewayResponses"].items():
        text = spec["ResponseTemplates"]["application/json"].replace("$context.error.messageString", '"quoted"')
        parsed = json.loads(text)
        assert set(parsed) == {"error", "message"}, kind
        if "StatusCode" in spec and int(spec["StatusCode"]) in CONTRACT_CODES:
            assert parsed["error"] == CONTRACT_CODES[int(spec["StatusCode"])], kind


def test_without_gateway_responses_the_gateway_answers_as_aws_does():
    resolver = Resolver({"Resources": {}}, "http://127.0.0.1:5000")
    assert gateway_answer(resolver, "MISSING_AUTHENTICATION_TOKEN") == (
        403, '{"message": "Missing Authentication Token"}', {})
    assert cors_preflight(resolver) is None


def _with_origin(origin: str) -> Resolver:
    """The template as the local stack runs it: AllowedOrigin set (to the web app's origin)."""
    template = copy.deepcopy(cfn.load())
    template["Parameters"]["AllowedOrigin"]["Default"] = origin
    return Resolver(template, "http://127.0.0.1:5000")


def test_cors_preflight_from_the_template():
    assert cors_preflight(_with_origin("http://127.0.0.1:3002")) == {
        "Access-Control-Allow-Origin": "http://127.0.0.1:3002",
        "Access-Control-Allow-Headers": "Authorization,Content-Type",
        "Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE,OPTIONS", "Access-Control-Max-Age": "600"}


def test_allowed_origin_defaults_to_the_distribution_and_names_the_app_everywhere():
    """AllowedOrigin empty (its default): the app is the CloudFront distribution, and the API's CORS, the app
    client's callback and the links in emails all name it; given: they all name it instead."""
    default = Resolver(cfn.load(), "http://127.0.0.1:5000")
    assert not default.condition("AllowedOriginGiven")
    assert cors_preflight(default)["Access-Control-Allow-Origin"] == "https://AppDistribution.cloudfront.net"
    given = _with_origin("https://app.example")
    client = given.resolve(cfn.resources("AWS::Cognito::UserPoolClient", given.template)["UserPoolClient"])
    assert client["CallbackURLs"] == ["https://app.example/auth/callback"]
    assert client["LogoutURLs"] == ["https://app.example/"]
    fns = functions(given.template)
    assert fns["EmailController"].env["APP_URL"] == "https://app.example"
    assert {fn.env["ALLOWED_ORIGIN"] for fn in fns.values()} == {"https://app.example"}


def test_aws_latency_is_added_to_every_aws_call_a_function_makes():
    fn = Function(name="Calls", module="tests.e2e.sample_functions", attr="aws_calls", timeout=10, memory=128,
                  env={})
    plain, slow = Pool(fn, {}, size=1), Pool(fn, {}, size=1, latency_ms=150)
    try:
        plain.invoke({"calls": 1}), slow.invoke({"calls": 1})  # warm both
        base = plain.invoke({"calls": 3})
        delayed = slow.invoke({"calls": 3})
        assert delayed.ok and delayed.calls == {"sqs:ListQueues": 3} and base.calls == {"sqs:ListQueues": 3}
        assert delayed.duration_ms >= 3 * 150  # each refused call returns at once; the latency is what waits
    finally:
        plain.close()
        slow.close()
