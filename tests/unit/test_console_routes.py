"""The console's routes as pure functions of a request: its files and their CSP, the runs that chain an HTTP
request to what it caused, emails with their headers and raw message, and the read-only data views (over moto)."""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.aws.browse import DataBrowser
from infra.local.http.local_routes import LocalRoutes
from infra.local.http.messages import Request
from infra.web_files import WEB
from tests.unit.test_local_http import FakeStack, fns  # noqa: F401 - fns is a fixture


def _get(routes: LocalRoutes, target: str) -> Any:
    response = routes(Request("GET", target))
    assert response.status == 200, (target, response.body)
    return json.loads(response.body)


def test_console_is_served_with_a_strict_csp_even_while_starting(fns):  # noqa: F811
    routes = LocalRoutes(FakeStack(fns, ready=False))
    page = routes(Request("GET", "/_local/"))
    assert page.status == 200 and page.header("Content-Type").startswith("text/html")
    assert b'src="/_local/console/main.js"' in page.body
    csp = page.header("Content-Security-Policy")
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe-inline" not in csp
    assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
    module = routes(Request("GET", "/_local/console/pages/mailbox.js"))
    assert module.status == 200 and module.header("Content-Type").startswith("text/javascript")
    vendored = routes(Request("GET", "/_local/console/vendor/preact-htm.js"))
    assert vendored.body == (WEB / "vendor" / "preact-htm.js").read_bytes()  # the web app's copy, not a second
    for missing in ("/_local/console/nope.js", "/_local/console/../local_routes.py", "/_local/console/%2e%2e/x.js",
                    "/_local/console/pages", "/_local/console/.hidden.js"):
        assert routes(Request("GET", missing)).status == 404, missing


def test_runs_chain_an_http_request_to_the_events_it_caused(fns):  # noqa: F811
    stack = FakeStack(fns)
    history = stack.history
    history.ran("AddLeedFunction", "req-1", "req-1", 1.0, 30, "success", None, {"dynamodb:PutItem": 1})
    delivery = history.accepted("EmailController", "evt-1", "req-1", {"function": "notifyUsers"})
    history.ran("EmailController", "evt-1", "req-1", 2.0, 50, "error", "boom", {})
    history.attempted(delivery, 1, 2.0, 50, "error", "boom", 3.0)
    history.ran("ListTradesFunction", "req-2", "req-2", 4.0, 5, "success", None, {})
    routes = LocalRoutes(stack)
    chain = _get(routes, "/_local/runs?correlation_id=req-1")["items"]
    assert [(r["function"], r["async"], r["outcome"]) for r in chain] == [
        ("AddLeedFunction", False, "success"), ("EmailController", True, "error")]
    assert chain[0]["calls"] == {"dynamodb:PutItem": 1} and chain[1]["error"] == "boom"
    assert [r["request_id"] for r in _get(routes, "/_local/runs?function=ListTradesFunction")["items"]] == ["req-2"]
    assert [r["request_id"] for r in _get(routes, "/_local/runs?limit=1")["items"]] == ["req-2"]
    assert routes(Request("GET", "/_local/runs?limit=x")).status == 400
    pending = _get(routes, "/_local/invocations?correlation_id=req-1")["items"]
    assert pending[0]["next_attempt"] == 3.0 and pending[0]["attempts"][0]["error"] == "boom"


def test_emails_carry_their_headers_raw_message_and_a_sandboxed_html_page(fns):  # noqa: F811
    stack = FakeStack(fns)
    stack.mailbox.record("noreply@x.example", ["bob@x.example"], "New <b>leed</b>", "<p style='color:red'>Hi</p>",
                         "Hi", headers={"List-Unsubscribe": "<https://x.example/u>"})
    stack.mailbox.record("noreply@x.example", ["carol@x.example"], "Text only ✓", None, "Plain")
    routes = LocalRoutes(stack)
    first, second = _get(routes, "/_local/emails")["items"]
    headers = first["headers"]
    assert headers["From"] == "noreply@x.example" and headers["To"] == "bob@x.example"
    assert headers["Subject"] == "New <b>leed</b>" and headers["List-Unsubscribe"] == "<https://x.example/u>"
    assert headers["Date"].endswith("GMT") and headers["Message-ID"].endswith("@email.amazonses.com>")
    parsed = email.message_from_string(first["raw"], policy=email.policy.default)
    assert parsed["To"] == "bob@x.example" and parsed["List-Unsubscribe"] == "<https://x.example/u>"
    assert parsed.get_body(("html",)).get_content().strip() == "<p style='color:red'>Hi</p>"
    assert parsed.get_body(("plain",)).get_content().strip() == "Hi"
    assert email.message_from_string(second["raw"], policy=email.policy.default)["Subject"] == "Text only ✓"
    page = routes(Request("GET", f"/_local/emails/html?id={first['id']}"))
    assert page.status == 200 and page.body == b"<p style='color:red'>Hi</p>"
    csp = page.header("Content-Security-Policy")
    assert csp.startswith("sandbox;") and "script-src" not in csp and "default-src 'none'" in csp
    single = email.message_from_string(second["raw"], policy=email.policy.default)
    assert single.get_content_type() == "text/plain" and single.get_content().strip() == "Plain"
    assert routes(Request("GET", f"/_local/emails/html?id={second['id']}")).status == 404  # no HTML part
    assert routes(Request("GET", "/_local/emails/html?id=999")).status == 404
    assert routes(Request("GET", "/_local/emails/html?id=x")).status == 400


def test_a_mailbox_saved_before_headers_opens_and_keeps_its_emails(tmp_path):
    import sqlite3

    from infra.local.state.mailbox import Mailbox
    from infra.local.state.store import Store

    path = tmp_path / "state.sqlite"
    with sqlite3.connect(path) as old:  # the emails table as it was before headers and raw
        old.execute("CREATE TABLE emails (id INTEGER PRIMARY KEY, sent REAL NOT NULL, source TEXT NOT NULL,"
                    " recipient TEXT NOT NULL, subject TEXT NOT NULL, html TEXT, text TEXT)")
        old.execute("INSERT INTO emails (sent, source, recipient, subject, text) VALUES (1, 's@x', 'a@x', 'Old', 'o')")
    mailbox = Mailbox(Store(str(path)))
    mailbox.record("s@x", ["b@x"], "New", None, "n", headers={"X-Y": "1"})
    old_email, new_email = mailbox.items()
    assert old_email["headers"]["To"] == "a@x" and "Subject: Old" in old_email["raw"]
    assert new_email["headers"]["X-Y"] == "1"


@pytest.fixture
def data_stack(fns):  # noqa: F811
    with mock_aws():
        ddb, s3 = boto3.client("dynamodb", region_name="us-east-1"), boto3.client("s3", region_name="us-east-1")
        ddb.create_table(TableName="T", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "sk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}])
        for n in range(5):
            ddb.put_item(TableName="T", Item={"pk": {"S": f"LEED#{n}"}, "sk": {"S": "LEED"}, "price": {"N": "12.5"},
                                              "count": {"N": str(n)}, "tags": {"SS": ["b", "a"]}})
        ddb.put_item(TableName="T", Item={"pk": {"S": "USER#bob"}, "sk": {"S": "PROFILE"}})
        for bucket in ("uploads", "thumbs"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="uploads", Key="leed/1/a.png", Body=b"12345")
        s3.put_object(Bucket="thumbs", Key="leed/1/a.png", Body=b"1")
        yield LocalRoutes(FakeStack(fns, browser=DataBrowser(ddb, s3)))


def test_data_items_by_key_prefix_read_only(data_stack):
    leeds = _get(data_stack, "/_local/data/items?prefix=LEED%23")
    assert len(leeds["items"]) == 5 and leeds["truncated"] is False
    item = next(i["item"] for i in leeds["items"] if i["item"]["pk"] == "LEED#3")
    assert item == {"pk": "LEED#3", "sk": "LEED", "price": 12.5, "count": 3, "tags": ["a", "b"]}
    assert {i["table"] for i in leeds["items"]} == {"T"}
    assert [i["item"]["pk"] for i in _get(data_stack, "/_local/data/items?prefix=USER%23")["items"]] == ["USER#bob"]
    assert len(_get(data_stack, "/_local/data/items")["items"]) == 6
    two = _get(data_stack, "/_local/data/items?prefix=LEED%23&limit=2")
    assert len(two["items"]) == 2 and two["truncated"] is True
    assert data_stack(Request("GET", "/_local/data/items?limit=1001")).status == 400
    assert data_stack(Request("POST", "/_local/data/items")).status == 404  # read-only: no other method


def test_data_objects_of_one_bucket_or_all(data_stack):
    every = _get(data_stack, "/_local/data/objects")
    assert set(every["buckets"]) == {"uploads", "thumbs"}
    assert sorted((o["bucket"], o["key"], o["size"]) for o in every["items"]) == [
        ("thumbs", "leed/1/a.png", 1), ("uploads", "leed/1/a.png", 5)]
    one = _get(data_stack, "/_local/data/objects?bucket=uploads&prefix=leed/")
    assert [(o["bucket"], o["key"]) for o in one["items"]] == [("uploads", "leed/1/a.png")]
    assert _get(data_stack, "/_local/data/objects?bucket=uploads&prefix=other/")["items"] == []
    missing = data_stack(Request("GET", "/_local/data/objects?bucket=nope"))
    assert missing.status == 404 and json.loads(missing.body)["error"] == "not_found"
