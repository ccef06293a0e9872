"""The CLI against a running stack: ``invoke``, ``failed``, ``redrive``; and the per-function log lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

from tests.apigw import proxy_event
from tests.e2e.conftest import ROOT


def cli(stack, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LEEDZ_PORT": str(urlsplit(stack.api).port),
           "LEEDZ_INVOKE_PORT": str(urlsplit(stack.invoke).port)}
    return subprocess.run([sys.executable, "-m", "infra.local", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_cli_invoke_sync(stack, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps(proxy_event("GET", "/trades")))
    done = cli(stack, "invoke", "ListTradesFunction", str(event))
    assert done.returncode == 0, done.stderr
    status, payload = done.stdout.splitlines()[:2]
    assert json.loads(status)["StatusCode"] == 200 and json.loads(payload)["statusCode"] == 200


def test_cli_failed_and_redrive(stack, tmp_path):
    correlation = f"cli-{uuid.uuid4()}"
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"function": "noSuchFunction", "correlation_id": correlation, "leed_id": "x"}))
    done = cli(stack, "invoke", "BookkeepingController", str(event), "--async")
    assert done.returncode == 0 and json.loads(done.stdout.splitlines()[0])["StatusCode"] == 202
    stack.wait_idle()
    failed = json.loads(cli(stack, "failed").stdout)
    [first] = [r for r in failed if r["requestPayload"]["correlation_id"] == correlation]
    redriven = json.loads(cli(stack, "redrive").stdout)["redriven"]
    assert redriven >= 1
    stack.wait_idle()
    again = [r for r in json.loads(cli(stack, "failed").stdout) if r["requestPayload"]["correlation_id"] == correlation]
    assert len(again) == 1 and again[0]["requestContext"]["requestId"] != first["requestContext"]["requestId"]


def test_logs_are_json_lines_prefixed_with_the_function_and_its_correlation_id(stack):
    resp = stack.get("/trades")
    request_id = resp.headers.get("x-amzn-RequestId")
    deadline = time.time() + 5
    lines: list[dict] = []
    while time.time() < deadline and not any(line.get("correlation_id") == request_id for line in lines):
        lines = [json.loads(line.split(" | ", 1)[1]) for line in stack.log.read_text().splitlines()
                 if line.startswith("ListTradesFunction | {")]
        time.sleep(0.05)
    assert lines and all(line.get("correlation_id") for line in lines if line.get("type") == "REPORT")
    assert request_id and any(line.get("correlation_id") == request_id for line in lines)


def test_cli_names_the_functions_when_one_is_unknown(stack, tmp_path):
    event = tmp_path / "event.json"
    event.write_text("{}")
    done = cli(stack, "invoke", "NoSuchFunction", str(event))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "NoSuchFunction" in done.stderr and "EmailController" in done.stderr
    listed = cli(stack, "functions")
    assert listed.returncode == 0 and "ListTradesFunction" in listed.stdout.split()


def test_lambda_api_lists_and_gets_functions_like_aws(stack):
    client = stack.client("lambda")
    names = {f["FunctionName"] for f in client.list_functions()["Functions"]}
    assert {"EmailController", "AddLeedFunction", "ThumbnailFunction"} <= names
    config = client.get_function(FunctionName="EmailController")["Configuration"]
    assert config["Handler"] == "controllers/email_controller.handler" and config["Timeout"] >= 60
    try:
        client.get_function(FunctionName="NoSuchFunction")
    except client.exceptions.ResourceNotFoundException as exc:
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    else:
        raise AssertionError("an unknown function must be ResourceNotFoundException")
