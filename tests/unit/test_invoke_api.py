"""The Lambda Invoke API face as a pure function of a request (issue 19): qualifiers, the event invoke config,
the log tail, and Lambda's errors in its own shape."""

from __future__ import annotations

import base64
import json

import pytest

from infra import cfn
from infra.local.http.invoke_api import ASYNC_LIMIT, SYNC_LIMIT, InvokeApi
from infra.local.http.messages import Request
from infra.local.runtime.workers import Outcome, Result
from infra.local.sam.model import functions

INVOKE = "/2015-03-31/functions/{}/invocations"


class Stack:
    ready = True

    def __init__(self, result: Result) -> None:
        self.functions = functions(cfn.load(), "http://127.0.0.1:5555")
        self.result, self.invoked = result, []

    def invoke(self, name, event, request_id=None):
        self.invoked.append((name, event))
        return self.result

    def submit(self, name, payload, source="Event"):
        self.invoked.append((name, payload))
        return "async-1"


@pytest.fixture
def ok_stack() -> Stack:
    return Stack(Result(True, '{"done": true}', "req-1", 12, Outcome.SUCCESS, log="sent 3 emails\n"))


def _error(response) -> tuple[int, str]:
    assert json.loads(response.body)["Type"] == "User" and json.loads(response.body)["message"]
    return response.status, response.header("x-amzn-ErrorType")


def test_log_tail_is_base64_of_start_output_end_report(ok_stack):
    api = InvokeApi(ok_stack)
    resp = api(Request("POST", INVOKE.format("EmailController"), (("X-Amz-Log-Type", "Tail"),), b"{}"))
    log = base64.b64decode(resp.header("X-Amz-Log-Result")).decode()
    assert log.startswith("START RequestId: req-1 Version: $LATEST\nsent 3 emails\nEND RequestId: req-1\n")
    assert "REPORT RequestId: req-1\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 512 MB" in log
    assert api(Request("POST", INVOKE.format("EmailController"), (), b"{}")).header("X-Amz-Log-Result") is None


def test_log_tail_is_the_last_4_kb_and_says_the_error():
    trace = ['  File "controllers/x.py", line 3, in handler\n']
    stack = Stack(Result(False, {"errorType": "KeyError", "errorMessage": "'leed_id'", "stackTrace": trace},
                         "req-2", 5, Outcome.ERROR, log="x" * 10_000))
    resp = InvokeApi(stack)(Request("POST", INVOKE.format("EmailController"), (("X-Amz-Log-Type", "Tail"),), b"{}"))
    raw = base64.b64decode(resp.header("X-Amz-Log-Result"))
    assert len(raw) == 4096 and resp.header("X-Amz-Function-Error") == "Unhandled"
    assert b"[ERROR] KeyError: 'leed_id'\nTraceback (most recent call last):\n" + trace[0].encode() in raw


def test_qualifiers_latest_and_the_template_alias(ok_stack):
    api = InvokeApi(ok_stack)
    aliased = next(fn for fn in ok_stack.functions.values() if fn.alias)
    assert aliased.alias == "live"  # the API functions' AutoPublishAlias (SnapStart), and WebAppDeployFunction's
    for target in (INVOKE.format("EmailController") + "?Qualifier=%24LATEST",
                   INVOKE.format("EmailController%3A%24LATEST"),
                   INVOKE.format(aliased.name) + "?Qualifier=live", INVOKE.format(f"{aliased.name}:live")):
        resp = api(Request("POST", target, (), b"{}"))
        assert resp.status == 200 and resp.header("X-Amz-Executed-Version") == "$LATEST", target
    got = json.loads(api(Request("GET", f"/2015-03-31/functions/{aliased.name}?Qualifier=live")).body)
    assert got["Configuration"]["FunctionArn"].endswith(f":function:{aliased.name}:live")
    for target in (INVOKE.format("EmailController") + "?Qualifier=live", INVOKE.format("EmailController:7")):
        assert _error(api(Request("POST", target, (), b"{}"))) == (404, "ResourceNotFoundException")
    mismatch = api(Request("POST", INVOKE.format(f"{aliased.name}:live") + "?Qualifier=%24LATEST", (), b"{}"))
    assert _error(mismatch) == (400, "InvalidParameterValueException")
    assert len(ok_stack.invoked) == 4


def test_event_invoke_config_from_the_template(ok_stack):
    api = InvokeApi(ok_stack)
    configured = [fn for fn in ok_stack.functions.values() if fn.has_invoke_config]
    assert configured, "the template gives its async functions an EventInvokeConfig"
    fn = configured[0]
    got = json.loads(api(Request("GET", f"/2019-09-25/functions/{fn.name}/event-invoke-config")).body)
    assert got["FunctionArn"] == f"{fn.arn}:$LATEST"
    assert (got["MaximumRetryAttempts"], got["MaximumEventAgeInSeconds"]) == (fn.retries, fn.max_age)
    assert got["DestinationConfig"]["OnFailure"] == {"Destination": fn.on_failure.target}
    listed = json.loads(api(Request("GET", f"/2019-09-25/functions/{fn.name}/event-invoke-config/list")).body)
    assert listed["FunctionEventInvokeConfigs"] == [got]
    bare = next(f for f in ok_stack.functions.values() if not f.has_invoke_config)
    assert _error(api(Request("GET", f"/2019-09-25/functions/{bare.name}/event-invoke-config"))) == (
        404, "ResourceNotFoundException")
    none = json.loads(api(Request("GET", f"/2019-09-25/functions/{bare.name}/event-invoke-config/list")).body)
    assert none["FunctionEventInvokeConfigs"] == []


def test_lambda_errors_for_bad_payloads_and_types(ok_stack):
    api = InvokeApi(ok_stack)
    target = INVOKE.format("EmailController")
    assert _error(api(Request("POST", target, (), b"{not json"))) == (400, "InvalidRequestContentException")
    big_sync = b'"' + b"x" * SYNC_LIMIT + b'"'
    assert _error(api(Request("POST", target, (), big_sync))) == (413, "RequestEntityTooLargeException")
    big_event = b'"' + b"x" * ASYNC_LIMIT + b'"'
    assert _error(api(Request("POST", target, (("X-Amz-Invocation-Type", "Event"),), big_event))) == (
        413, "RequestEntityTooLargeException")
    assert api(Request("POST", target, (), big_event)).status == 200  # under the sync quota
    assert _error(api(Request("POST", target, (("X-Amz-Invocation-Type", "Later"),), b"{}"))) == (
        400, "InvalidParameterValueException")
    dry = api(Request("POST", target, (("X-Amz-Invocation-Type", "DryRun"),), b"{}"))
    assert dry.status == 204 and dry.body == b""
    assert len(ok_stack.invoked) == 1  # only the one under the quota ran


@pytest.mark.parametrize(("method", "path"), [("TRACE", "/2015-03-31/functions"), ("DELETE", INVOKE.format("X")),
                                              ("PATCH", "/"), ("GET", "/nope")])
def test_anything_else_is_an_unknown_operation_in_lambda_s_shape(ok_stack, method, path):
    assert _error(InvokeApi(ok_stack)(Request(method, path))) == (404, "UnknownOperationException")
