"""The emulated SES send rate (``infra/local/aws/ses_quota.py``): a send over the account's rate is refused whole
with SES's ``Throttling`` error and nothing of it is delivered; within the rate, sends go through."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from infra.local.aws import ses_capture, ses_quota
from infra.local.aws.ses_quota import Bucket
from tests.conftest import SENDER


def test_bucket_refills_at_the_rate_and_holds_one_bulk_call_at_least():
    now = [0.0]
    bucket = Bucket(10, clock=lambda: now[0])
    assert bucket.take(50) and not bucket.take(1)  # a full bulk call from idle, then nothing
    now[0] += 1.0
    assert bucket.take(10) and not bucket.take(1)
    now[0] += 100.0
    assert bucket.take(50) and not bucket.take(1)  # never more than its capacity saved up
    assert bucket.throttled == 3


def test_a_send_over_the_rate_is_refused_and_not_delivered(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[list[str]] = []
    monkeypatch.setattr(ses_capture, "_wiring", {"sink": None, "rate": 200.0})
    ses_capture.install(lambda _src, recipients, *_a, **_k: sent.append(recipients), 10)
    monkeypatch.setattr(ses_quota, "_bucket", [])  # this test's bucket only: later tests send unthrottled
    ses_quota.install(10)
    ses = boto3.client("ses", config=Config(retries={"total_max_attempts": 1}))  # else botocore retries Throttling
    ses.create_template(Template={"TemplateName": "t", "SubjectPart": "Hi {{name}}", "TextPart": "x"})

    def bulk(count: int) -> None:
        ses.send_bulk_templated_email(Source=SENDER, Template="t", DefaultTemplateData="{}", Destinations=[
            {"Destination": {"ToAddresses": [f"u{i}@example.com"]},
             "ReplacementTemplateData": json.dumps({"name": "U"})} for i in range(count)])

    bulk(50)
    with pytest.raises(ClientError) as refused:
        bulk(1)
    assert refused.value.response["Error"]["Code"] == "Throttling"
    assert len(sent) == 50  # the refused call delivered nothing
