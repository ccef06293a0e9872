"""The local stack's contract over real HTTP: gateway, auth, Invoke API, async delivery, local routes."""

from __future__ import annotations

import json
import statistics
import time
import uuid

import pytest
import requests
from botocore.exceptions import ClientError

from infra import cfn
from infra.local.sam.model import functions
from tests.apigw import proxy_event


def _poll(fetch, until, timeout=15.0):
    deadline = time.time() + timeout
    while True:
        value = fetch()
        if until(value) or time.time() > deadline:
            return value
        time.sleep(0.05)


def test_health_is_ready_and_reports_pending(stack):
    body = stack.get("/_local/health").json()
    assert isinstance(body["pending"], int)
    print(f"\nstart-up to healthy: {stack.startup_s:.2f} s")


def test_public_route_lists_trades_with_demo_counters(stack):
    resp = stack.get("/trades")
    assert resp.status_code == 200
    trades = {t["name"]: t for t in resp.json()["items"]}
    assert len(trades) >= 8 and trades["dj"]["subscribers"] == 2


def test_protected_route_needs_a_valid_token_and_handler_never_runs(stack):
    before = stack.get("/_local/stats").json()["invocations"].get("GetProfileFunction", {})
    assert stack.get("/users/me").status_code == 401
    bad = stack.get("/users/me", headers={"Authorization": "Bearer forged.token"})
    assert bad.status_code == 401 and bad.json()["error"] == "unauthorized" and bad.json()["message"]
    after = stack.get("/_local/stats").json()["invocations"].get("GetProfileFunction", {})
    assert after == before


def test_token_claims_reach_the_handler(stack):
    resp = stack.get("/users/me", headers={"Authorization": f"Bearer {stack.token('dave')}"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["username"] == "dave" and resp.json()["email"] == "dave@example.com"


def test_bodies_that_are_not_json_or_nest_too_deep_are_4xx_and_change_nothing(stack):
    headers = {"Authorization": f"Bearer {stack.token('erin')}"}
    before = stack.get("/users/me", headers=headers).json()
    for content_type in ("text/plain", "application/xml", "application/x-www-form-urlencoded"):
        resp = requests.put(f"{stack.api}/users/me", data='{"name": "Erin"}', timeout=30,
                            headers={**headers, "Content-Type": content_type})
        assert resp.status_code == 415 and resp.json()["error"] == "unsupported_media_type", resp.text
    resp = requests.put(f"{stack.api}/users/me", data="[" * 3000 + "]" * 3000, timeout=30,
                        headers={**headers, "Content-Type": "application/json"})
    assert resp.status_code == 400 and resp.json()["error"] == "bad_request", resp.text
    assert stack.get("/users/me", headers=headers).json() == before


def test_a_browser_on_another_origin_can_call_the_api(stack):
    """The web app's origin (AllowedOrigin, set to it locally as a deploy sets it to the distribution's)."""
    origin = {"Origin": stack.web}
    for path in ("/leeds", "/users/me", "/leeds/abc/attachments"):  # preflight: no token, no function
        pre = requests.options(f"{stack.api}{path}", timeout=10, headers={
            **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"})
        assert pre.status_code == 200, (path, pre.text)
        assert pre.headers["Access-Control-Allow-Origin"] == stack.web
        assert "Authorization" in pre.headers["Access-Control-Allow-Headers"]
        assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert stack.get("/trades", headers=origin).headers["Access-Control-Allow-Origin"] == stack.web
    denied = stack.get("/users/me", headers=origin)  # the gateway's own 401 too, or the browser hides it
    assert denied.status_code == 401 and denied.headers["Access-Control-Allow-Origin"] == stack.web
    headers = {**origin, "Authorization": f"Bearer {stack.token('cors-user')}"}
    mine = stack.get("/users/me", headers=headers)
    assert mine.status_code == 200 and mine.headers["Access-Control-Allow-Origin"] == stack.web


def test_unknown_route_is_404_in_the_contract_shape(stack):
    resp = stack.get("/no/such/route")
    assert resp.status_code == 404 and resp.json()["error"] == "not_found"


def test_sync_invoke_through_boto3_returns_the_handler_payload(stack):
    lam = stack.client("lambda")
    event = proxy_event("GET", "/trades")
    resp = lam.invoke(FunctionName="ListTradesFunction", Payload=json.dumps(event))
    assert resp["StatusCode"] == 200 and "FunctionError" not in resp
    payload = json.loads(resp["Payload"].read())
    assert payload["statusCode"] == 200 and len(json.loads(payload["body"])["items"]) >= 8
    arn = "arn:aws:lambda:us-east-1:123456789012:function:ListTradesFunction"
    assert lam.invoke(FunctionName=arn, Payload=json.dumps(event))["StatusCode"] == 200


def test_sync_invoke_of_a_controller_reports_function_errors(stack):
    lam = stack.client("lambda")
    event = {"function": "noSuchFunction", "correlation_id": "e2e-sync", "leed_id": "none"}
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        resp = lam.invoke(FunctionName="EmailController", Payload=json.dumps(event))
        timings.append(time.perf_counter() - started)
        assert resp["StatusCode"] == 200 and resp["FunctionError"] == "Unhandled"
        error = json.loads(resp["Payload"].read())
        assert error["errorMessage"] and error["errorType"]
    print(f"\ninvoke-to-controller (sync, warm) p50: {statistics.median(timings) * 1000:.1f} ms")


def test_invoke_of_an_unknown_function_is_resource_not_found(stack):
    with pytest.raises(ClientError) as err:
        stack.client("lambda").invoke(FunctionName="NoSuchFunction", Payload=b"{}")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_failing_async_event_reaches_the_failure_destination_with_the_aws_record(stack):
    correlation = f"e2e-{uuid.uuid4()}"
    event = {"function": "noSuchFunction", "correlation_id": correlation, "leed_id": "none"}
    started = time.perf_counter()
    resp = stack.client("lambda").invoke(FunctionName="EmailController", InvocationType="Event",
                                         Payload=json.dumps(event))
    assert resp["StatusCode"] == 202 and time.perf_counter() - started < 1.0

    def mine(items):
        return [r for r in items if r["requestPayload"].get("correlation_id") == correlation]

    records = _poll(lambda: mine(stack.get("/_local/failed").json()["items"]), bool)
    [record] = records
    context = record["requestContext"]
    retries = functions(cfn.load())["EmailController"].retries  # from its EventInvokeConfig
    assert context["condition"] == "RetriesExhausted" and context["approximateInvokeCount"] == retries + 1
    assert context["functionArn"].endswith(":function:EmailController:$LATEST") and context["requestId"]
    assert record["version"] == "1.0" and record["timestamp"]
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"]
    # ... and in the template's FailureQueue itself.
    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName="FailureQueue")["QueueUrl"]
    bodies = [json.loads(m["Body"]) for m in sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])]
    assert any(b["requestPayload"].get("correlation_id") == correlation for b in bodies)


def test_stats_count_invocations_and_aws_calls_from_workers(stack):
    stack.get("/trades")
    stats = stack.get("/_local/stats").json()
    assert stats["invocations"]["ListTradesFunction"]["success"] >= 1
    assert stats["aws_calls"]["dynamodb"]["BatchGetItem"] >= 1


def test_schedule_events_fire(stack):
    stats = _poll(lambda: stack.get("/_local/stats").json(), lambda s: "OutboxSweeper" in s["invocations"])
    assert sum(stats["invocations"]["OutboxSweeper"].values()) >= 1


def test_emails_are_recorded_per_recipient_including_bulk_templates(stack):
    ses = stack.client("ses")
    tag = uuid.uuid4().hex[:8]
    ses.send_email(Source="noreply@leedz.example",
                   Destination={"ToAddresses": ["alice@example.com"], "CcAddresses": ["bob@example.com"]},
                   Message={"Subject": {"Data": f"hello {tag}"},
                            "Body": {"Text": {"Data": "plain"}, "Html": {"Data": "<b>html</b>"}}})
    ses.create_template(Template={"TemplateName": tag, "SubjectPart": "Hi {{name}} " + tag,
                                  "TextPart": "Dear {{name}} of {{town}}", "HtmlPart": "<p>{{name}}</p>"})
    ses.send_bulk_templated_email(
        Source="noreply@leedz.example", Template=tag, DefaultTemplateData=json.dumps({"name": "x", "town": "Y"}),
        Destinations=[{"Destination": {"ToAddresses": ["carol@example.com"]},
                       "ReplacementTemplateData": json.dumps({"name": "Carol"})},
                      {"Destination": {"ToAddresses": ["bob@example.com"]}}])
    ses.delete_template(TemplateName=tag)
    items = [e for e in stack.get("/_local/emails").json()["items"] if tag in e["subject"]]
    assert [(e["to"], e["subject"]) for e in items] == [
        (["alice@example.com"], f"hello {tag}"), (["bob@example.com"], f"hello {tag}"),
        (["carol@example.com"], f"Hi Carol {tag}"), (["bob@example.com"], f"Hi x {tag}")]
    assert items[0]["html"] == "<b>html</b>" and items[0]["text"] == "plain"
    assert items[2]["text"] == "Dear Carol of Y" and items[2]["source"] == "noreply@leedz.example"


def test_openapi_document_lists_the_routes(stack):
    doc = stack.get("/_local/openapi.json").json()
    assert doc["openapi"].startswith("3.") and "/trades" in doc["paths"]


@pytest.mark.parametrize("body", [{}, {"username": "x"}, {"email": "x@x.io"}, {"username": "", "email": "e@x.io"},
                                  {"username": "x", "email": ""}, {"username": 7, "email": "x@x.io"}, []])
def test_local_token_needs_a_username_and_an_email(stack, body):
    resp = requests.post(f"{stack.api}/_local/token", json=body, timeout=5)
    assert resp.status_code == 400 and resp.json()["error"] == "bad_request"
