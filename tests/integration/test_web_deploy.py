"""The Custom::WebAppContent function (infra/web_deploy.py) on moto: web/ and config.json land in the app bucket
with their types, files gone from web/ go, Delete empties the bucket, every outcome reaches CloudFormation."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra import web_deploy
from infra.web_files import WEB, app_files
from tests.integration.aws_calls import NAMED_BY_EVENTS

BUCKET = NAMED_BY_EVENTS["AppBucket"]
CONFIG = {"api": "https://x.execute-api.us-east-1.amazonaws.com/Prod", "auth": {"client_id": "abc"}}


@pytest.fixture
def s3() -> Any:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def _event(kind: str, url: str = "") -> dict[str, Any]:
    return {"RequestType": kind, "ResponseURL": url, "StackId": "arn:stack", "RequestId": "r1",
            "LogicalResourceId": "WebAppContent", "ResourceProperties": {"Bucket": BUCKET, "Config": CONFIG}}


def test_create_publishes_web_and_the_config_and_update_drops_stale_files(s3):
    s3.put_object(Bucket=BUCKET, Key="js/removed-since.js", Body=b"old")
    answer = web_deploy.handler(_event("Update"), None, s3=s3)
    assert answer["Status"] == "SUCCESS", answer["Reason"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {*app_files(WEB), "config.json"} and "index.html" in keys and "CONFIG.md" not in keys
    config = s3.get_object(Bucket=BUCKET, Key="config.json")
    assert json.loads(config["Body"].read()) == CONFIG and config["CacheControl"] == "no-cache"
    assert config["ContentType"] == "application/json"
    index = s3.head_object(Bucket=BUCKET, Key="index.html")
    assert index["ContentType"] == "text/html; charset=utf-8"


def test_delete_empties_the_bucket_so_cloudformation_can_delete_it(s3):
    web_deploy.handler(_event("Create"), None, s3=s3)
    assert web_deploy.handler(_event("Delete"), None, s3=s3)["Status"] == "SUCCESS"
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_every_outcome_is_put_to_cloudformations_url(s3, aws_calls):
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/cfn"
    missing = {**_event("Create", url), "ResourceProperties": {"Bucket": "no-such-bucket", "Config": CONFIG}}
    try:
        web_deploy.handler(_event("Create", url), None, s3=s3)
        web_deploy.handler(missing, None, s3=s3)
    finally:
        server.shutdown()
    assert [r["Status"] for r in received] == ["SUCCESS", "FAILED"]
    assert received[0]["PhysicalResourceId"] == f"web-app-{BUCKET}" and received[0]["Data"]["Files"] > 3
    assert "NoSuchBucket" in received[1]["Reason"]
    # The failing deploy wrote to a bucket its role does not name, on purpose: that refusal is the one expected.
    assert aws_calls.refused and all("no-such-bucket" in line for line in aws_calls.refused)
    aws_calls.refused.clear()
