"""The mailbox keeps the headers a sender set (SES v2's ``Headers``, a raw message's own) and the raw message
itself, as the recipient's server would get them (``GET /_local/emails`` items' ``headers`` and ``raw``)."""

from __future__ import annotations

import boto3

from tests.conftest import SENDER


def test_emails_sent_raw_or_with_headers_keep_them(inbox):
    ses = boto3.client("sesv2")
    ses.send_email(FromEmailAddress=SENDER, Destination={"ToAddresses": ["bob@x.example"]},
                   Content={"Simple": {"Subject": {"Data": "S"}, "Body": {"Text": {"Data": "T"}},
                                       "Headers": [{"Name": "List-Unsubscribe-Post",
                                                    "Value": "List-Unsubscribe=One-Click"}]}})
    raw = f"From: {SENDER}\r\nTo: carol@x.example\r\nSubject: R\r\nX-Test: 1\r\n\r\nbody\r\n"
    ses.send_email(FromEmailAddress=SENDER, Destination={"ToAddresses": ["carol@x.example"]},
                   Content={"Raw": {"Data": raw.encode()}})
    boto3.client("ses").send_email(Source=SENDER, Destination={"ToAddresses": ["dan@x.example"]},
                                   Message={"Subject": {"Data": "V1"}, "Body": {"Html": {"Data": "<p>h</p>"}}},
                                   ConfigurationSetName="leedz")
    simple, sent_raw, v1 = inbox()
    assert simple["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert simple["headers"]["To"] == "bob@x.example" and "List-Unsubscribe-Post: " in simple["raw"]
    assert sent_raw["headers"]["X-Test"] == "1" and sent_raw["raw"] == raw
    assert v1["headers"]["X-SES-CONFIGURATION-SET"] == "leedz" and v1["headers"]["Subject"] == "V1"
