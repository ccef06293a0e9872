"""Gateway and runtime details on a sample template: proxy event shape, timeouts, destinations, S3 events."""

from __future__ import annotations

import json
import time

import pytest
import requests


def _drain(sqs, url: str, until, timeout: float = 10.0) -> list[dict]:
    """Bodies received from a queue until ``until(bodies)`` holds (or the timeout)."""
    bodies: list[dict] = []
    deadline = time.time() + timeout
    while not until(bodies) and time.time() < deadline:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
                "Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_gateway_builds_a_rest_proxy_event(sample_stack):
    resp = requests.get(f"{sample_stack.api}/echo/bob?x=1&x=2&y=3", headers={"X-Test": "yes"}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Set-Cookie"] in ("a=1, b=2", "a=1") or "a=1" in resp.headers["Set-Cookie"]
    event = resp.json()
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/echo/{name}", "/echo/bob", "GET")
    assert event["pathParameters"] == {"name": "bob"}
    assert event["queryStringParameters"] == {"x": "2", "y": "3"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["3"]}
    assert event["headers"]["X-Test"] == "yes" and event["multiValueHeaders"]["X-Test"] == ["yes"]
    context = event["requestContext"]
    assert context["resourcePath"] == "/echo/{name}" and context["stage"] == "Prod" and context["requestId"]
    assert "authorizer" not in context and event["body"] is None and event["isBase64Encoded"] is False


def test_claims_of_the_verified_token_reach_the_event(sample_stack):
    url = f"{sample_stack.api}/echo/x"
    assert requests.post(url, json={}, timeout=30).status_code == 401
    token = sample_stack.token("zoe", "zoe@example.com")
    resp = requests.post(url, data=b'{"a": 1}', headers={"Authorization": f"Bearer {token}"}, timeout=30)
    event = resp.json()
    assert event["requestContext"]["authorizer"]["claims"] == {"cognito:username": "zoe",
                                                              "email": "zoe@example.com", "email_verified": True}
    assert event["body"] == '{"a": 1}'


def test_worker_env_resolves_refs_getatts_and_subs(sample_stack):
    resp = sample_stack.client("lambda").invoke(FunctionName="Sleepy", Payload=b"{}")
    assert json.loads(resp["Payload"].read())["function_name"] == "Sleepy"


def test_timeout_kills_the_invocation_and_the_next_one_runs(sample_stack):
    lam = sample_stack.client("lambda")
    started = time.time()
    resp = lam.invoke(FunctionName="Sleepy", Payload=json.dumps({"sleep": 5}))
    assert resp["FunctionError"] == "Unhandled" and time.time() - started < 4
    assert json.loads(resp["Payload"].read())["errorType"] == "Sandbox.Timedout"
    ok = lam.invoke(FunctionName="Sleepy", Payload=b"{}")
    assert "FunctionError" not in ok and json.loads(ok["Payload"].read())["remaining_ms"] > 0


def test_s3_upload_is_delivered_as_an_s3_event_and_on_success_record(sample_stack):
    s3, sqs = sample_stack.client("s3"), sample_stack.client("sqs")
    bucket = "leedz-upload-bucket-local"
    s3.put_object(Bucket=bucket, Key="skip/me.txt", Body=b"not matching the prefix filter")
    s3.put_object(Bucket=bucket, Key="in/photo 1.png", Body=b"data")
    url = sqs.get_queue_url(QueueName="SuccessQueue")["QueueUrl"]
    bodies = _drain(sqs, url, lambda b: any("Records" in (r.get("responsePayload") or {}) for r in b))
    [record] = [b for b in bodies if "Records" in (b.get("responsePayload") or {})]
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["functionArn"].endswith(":function:S3Echo:$LATEST")
    [s3_record] = record["requestPayload"]["Records"]
    assert s3_record["eventSource"] == "aws:s3" and s3_record["eventName"].startswith("ObjectCreated:")
    assert s3_record["s3"]["bucket"]["name"] == bucket and s3_record["s3"]["object"]["key"] == "in/photo+1.png"


def test_async_invoke_reaches_the_function_quickly_and_lands_on_success(sample_stack):
    from datetime import datetime

    lam, sqs = sample_stack.client("lambda"), sample_stack.client("sqs")
    url = sqs.get_queue_url(QueueName="SuccessQueue")["QueueUrl"]
    marker = str(time.time())
    sent = time.time()
    assert lam.invoke(FunctionName="Sleepy", InvocationType="Event",
                      Payload=json.dumps({"marker": marker}))["StatusCode"] == 202
    bodies = _drain(sqs, url, lambda b: any(r["requestPayload"].get("marker") == marker for r in b))
    [record] = [r for r in bodies if r["requestPayload"].get("marker") == marker]
    assert record["requestContext"]["condition"] == "Success" and record["responsePayload"]["calls"] >= 1
    done = datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00")).timestamp()
    print(f"\nEvent invoke -> function done (async, warm): {(done - sent) * 1000:.1f} ms")
    assert done - sent < 2


def test_oversized_async_payload_is_refused_like_lambda(sample_stack):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        sample_stack.client("lambda").invoke(FunctionName="Sleepy", InvocationType="Event",
                                             Payload=json.dumps({"x": "a" * 300_000}))
    assert err.value.response["Error"]["Code"] == "RequestEntityTooLargeException"


def test_a_crashing_handler_is_500_without_internals(sample_stack):
    # This template has no GatewayResponses, so the body is API Gateway's own (the real template's: below).
    resp = requests.get(f"{sample_stack.api}/crash", timeout=30)
    assert resp.status_code == 500 and resp.json() == {"message": "Internal server error"}
    assert "secret" not in resp.text and "Traceback" not in resp.text
    invoked = sample_stack.client("lambda").invoke(FunctionName="Crash", Payload=b"{}")
    error = json.loads(invoked["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("RuntimeError", "secret internals")
    assert "worker_main" not in "".join(error["stackTrace"]) and "sample_functions" in "".join(error["stackTrace"])
