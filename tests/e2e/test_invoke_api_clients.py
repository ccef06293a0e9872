"""The Invoke API driven by the two clients developers use, boto3 and the AWS CLI (``awscli``, a dev
dependency), against the running stack: what each shows is what Lambda would show them (issue 19)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from infra.local.http.invoke_api import ASYNC_LIMIT, SYNC_LIMIT

ROOT = Path(__file__).resolve().parents[2]
SWEEP = (ROOT / "events/outbox_sweeper/schedule.json").read_bytes()
ALIASED = "WebAppDeployFunction"  # the template's AutoPublishAlias: live


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    return exc.value.response["Error"]["Code"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_boto3_log_tail_qualifiers_dry_run_and_invoke_config(stack):
    lam = stack.client("lambda")
    resp = lam.invoke(FunctionName="OutboxSweeper", Payload=SWEEP, LogType="Tail", Qualifier="$LATEST")
    assert resp["StatusCode"] == 200 and "FunctionError" not in resp and resp["ExecutedVersion"] == "$LATEST"
    log = base64.b64decode(resp["LogResult"]).decode()
    request_id = resp["ResponseMetadata"]["RequestId"]
    assert log.startswith(f"START RequestId: {request_id} Version: $LATEST\n")
    assert f"\nEND RequestId: {request_id}\nREPORT RequestId: {request_id}\tDuration: " in log
    assert "LogResult" not in lam.invoke(FunctionName="OutboxSweeper", Payload=SWEEP)
    assert lam.invoke(FunctionName=ALIASED, Qualifier="live", InvocationType="DryRun")["StatusCode"] == 204
    assert lam.get_function(FunctionName=ALIASED, Qualifier="live")["Configuration"]["FunctionArn"].endswith(":live")
    with pytest.raises(ClientError) as missing:
        lam.invoke(FunctionName="OutboxSweeper", Qualifier="live", Payload=SWEEP)
    assert _code(missing) == ("ResourceNotFoundException", 404)
    config = lam.get_function_event_invoke_config(FunctionName="EmailController")
    assert config["MaximumRetryAttempts"] == 2 and config["FunctionArn"].endswith(":EmailController:$LATEST")
    assert config["DestinationConfig"]["OnFailure"]["Destination"].endswith(":FailureQueue")
    listed = lam.list_function_event_invoke_configs(FunctionName="EmailController")["FunctionEventInvokeConfigs"]
    assert [c["FunctionArn"] for c in listed] == [config["FunctionArn"]]


def _described_as_in_the_template(functions: list[dict]) -> None:
    by_name = {f["FunctionName"]: f for f in functions}
    email = by_name["EmailController"]
    assert (email["Runtime"], email["Handler"]) == ("python3.12", "controllers/email_controller.handler")
    assert email["MemorySize"] == 512 and email["Timeout"] >= 10 and email["Architectures"] == ["arm64"]
    assert {"TABLE_NAME", "POWERTOOLS_SERVICE_NAME"} <= set(email["Environment"]["Variables"])
    assert by_name[ALIASED]["Timeout"] == 300


def test_boto3_lists_and_describes_functions_as_the_template_does(stack):
    lam = stack.client("lambda")
    _described_as_in_the_template(lam.list_functions()["Functions"])
    config = lam.get_function_configuration(FunctionName="EmailController", Qualifier="$LATEST")
    assert config["FunctionArn"].endswith(":EmailController:$LATEST") and config["Version"] == "$LATEST"


def test_boto3_sees_lambda_s_errors(stack):
    lam = stack.client("lambda")
    with pytest.raises(lam.exceptions.InvalidRequestContentException) as bad:
        lam.invoke(FunctionName="OutboxSweeper", Payload=b"{not json")
    assert _code(bad) == ("InvalidRequestContentException", 400)
    # What Lambda answers (its API reference says RequestTooLargeException; see infra/local/http/invoke_api.py).
    with pytest.raises(ClientError) as big:
        lam.invoke(FunctionName="OutboxSweeper", Payload=json.dumps("x" * SYNC_LIMIT).encode())
    assert _code(big) == ("RequestEntityTooLargeException", 413)
    with pytest.raises(ClientError) as big_event:
        lam.invoke(FunctionName="OutboxSweeper", InvocationType="Event", Payload=json.dumps("x" * ASYNC_LIMIT))
    assert _code(big_event) == ("RequestEntityTooLargeException", 413)
    assert "payload is too large for the Event invocation type (limit 262144 bytes)" in str(big_event.value)
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function_event_invoke_config(FunctionName="ListTradesFunction")


def _aws(stack, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``aws lambda ...`` with the stack as its endpoint and no settings of the developer's own."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_PAGER": ""}
    env.pop("AWS_PROFILE", None)
    return subprocess.run([str(Path(sys.executable).parent / "aws"), "lambda", *args, "--endpoint-url", stack.invoke,
                           "--output", "json"], env=env, capture_output=True, text=True, timeout=60, check=False)


def test_aws_cli_invoke_tail_qualifier_dry_run_config_and_errors(stack, tmp_path):
    event = tmp_path / "event.json"
    event.write_bytes(SWEEP)
    out = tmp_path / "out.json"
    run = _aws(stack, tmp_path, "invoke", "--function-name", "OutboxSweeper", "--payload", f"fileb://{event}",
               "--log-type", "Tail", "--qualifier", "$LATEST", str(out))
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    assert shown["StatusCode"] == 200 and shown["ExecutedVersion"] == "$LATEST" and "FunctionError" not in shown
    assert base64.b64decode(shown["LogResult"]).decode().startswith("START RequestId: ")
    json.loads(out.read_text())  # the function's answer, as JSON
    dry = _aws(stack, tmp_path, "invoke", "--function-name", f"{ALIASED}:live", "--invocation-type", "DryRun", str(out))
    assert dry.returncode == 0 and json.loads(dry.stdout)["StatusCode"] == 204, dry.stderr
    config = _aws(stack, tmp_path, "get-function-event-invoke-config", "--function-name", "EmailController")
    assert config.returncode == 0 and json.loads(config.stdout)["MaximumEventAgeInSeconds"] == 3600, config.stderr
    got = _aws(stack, tmp_path, "get-function", "--function-name", ALIASED, "--qualifier", "live")
    assert got.returncode == 0 and json.loads(got.stdout)["Configuration"]["FunctionArn"].endswith(":live")
    listed = _aws(stack, tmp_path, "list-functions")
    assert listed.returncode == 0, listed.stderr
    _described_as_in_the_template(json.loads(listed.stdout)["Functions"])
    missing = _aws(stack, tmp_path, "get-function-configuration", "--function-name", "NoSuchFunction")
    assert missing.returncode != 0 and "(ResourceNotFoundException)" in missing.stderr
    event.write_bytes(b"{not json")
    bad = _aws(stack, tmp_path, "invoke", "--function-name", "OutboxSweeper", "--payload", f"fileb://{event}", str(out))
    assert bad.returncode != 0 and "(InvalidRequestContentException)" in bad.stderr
    event.write_bytes(json.dumps("x" * ASYNC_LIMIT).encode())
    big = _aws(stack, tmp_path, "invoke", "--function-name", "OutboxSweeper", "--invocation-type", "Event",
               "--payload", f"fileb://{event}", str(out))
    assert big.returncode != 0 and "(RequestEntityTooLargeException)" in big.stderr
