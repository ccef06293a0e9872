"""Issue 18.7: web pages the developer visits cannot reach the local stack. Every port, the embedded emulator
included, answers loopback host names only (DNS rebinding), refuses state-changing requests from other sites'
pages, and the emulator also refuses other sites' reads and browsers on moto's own /moto-api/. Each request here
is one that worked before (on the emulator) or that a page elsewhere could make; tools, sending no such headers,
are served as before; so is the web app's own upload (tests/e2e/test_web_app.py, the upload bucket test)."""

from __future__ import annotations

import json

import requests

EVIL = "https://evil.example"


def test_the_emulator_answers_loopback_host_names_only(stack):
    assert requests.get(f"{stack.aws}/moto-api/data.json", timeout=10).status_code == 200  # a tool
    rebound = requests.get(f"{stack.aws}/moto-api/data.json", headers={"Host": "evil.example"}, timeout=10)
    assert rebound.status_code == 403 and rebound.json()["error"] == "forbidden"
    assert requests.get(f"{stack.aws}/", headers={"Host": "evil.example:80"}, timeout=10).status_code == 403


def test_no_browser_reads_the_emulators_own_api(stack):
    for headers in ({"Origin": EVIL}, {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},
                    {"Sec-Fetch-Site": "none"}, {"Origin": "http://127.0.0.1:3002"}):
        refused = requests.get(f"{stack.aws}/moto-api/data.json", headers=headers, timeout=10)
        assert refused.status_code == 403, headers
        assert "Access-Control-Allow-Origin" not in refused.headers


def test_other_sites_pages_can_neither_read_nor_write_through_the_emulator(stack):
    # a simple (no preflight) form POST in the query protocol moto answers unsigned: it listed the queues before
    form = {"Action": "ListQueues", "Version": "2012-11-05"}
    tool = requests.post(stack.aws, data=form, headers={"Host": "127.0.0.1"}, timeout=10)
    assert tool.status_code == 200
    for headers in ({"Origin": EVIL}, {"Sec-Fetch-Site": "cross-site"}):
        assert requests.post(stack.aws, data=form, headers=headers, timeout=10).status_code == 403, headers
    # a read with another site's Origin: never answered, so no CORS header can hand it over
    read = requests.get(f"{stack.aws}/", headers={"Origin": EVIL}, timeout=10)
    assert read.status_code == 403 and "Access-Control-Allow-Origin" not in read.headers


def test_the_api_and_invoke_ports_refuse_rebinding_and_cross_site_simple_posts(stack):
    body = json.dumps({"username": "mallory", "email": "m@example.com"})
    rebound = requests.post(f"{stack.api}/_local/token", data=body, headers={"Host": "evil.example"}, timeout=10)
    assert rebound.status_code == 403
    assert requests.get(f"{stack.api}/_local/emails", headers={"Host": "evil.example"}, timeout=10).status_code == 403
    invoke = f"{stack.invoke}/2015-03-31/functions/BookkeepingController/invocations"
    cross = requests.post(invoke, data='{"function": "recordPost"}', timeout=10,
                          headers={"Content-Type": "text/plain", "Origin": EVIL, "Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and cross.json()["error"] == "forbidden"
