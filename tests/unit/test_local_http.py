"""The local stack's HTTP faces as pure functions of a request, and the socket adapter's rules (no body on
204/304, every method reaches the face), without a running stack."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from infra import cfn
from infra.local.http import apigw, server
from infra.local.http.gateway import Gateway
from infra.local.http.invoke_api import InvokeApi
from infra.local.http.local_routes import LocalRoutes
from infra.local.http.messages import Request, Response
from infra.local.http.routing import Router
from infra.local.runtime.workers import Outcome, Result
from infra.local.sam.gateway_config import GATEWAY_DEFAULTS, cors_preflight, gateway_answer
from infra.local.sam.model import functions
from infra.local.sam.resolver import Resolver
from infra.local.state import State

ENDPOINT = "http://127.0.0.1:5555"


@pytest.fixture(scope="module")
def fns():
    return functions(cfn.load(), ENDPOINT)


@dataclass
class FakeStack:
    """The backend protocols, answered from memory: handlers return what ``answer`` says."""

    functions: dict[str, Any]
    answer: Any = None
    ready: bool = True
    pending: int = 0
    endpoint: str = ENDPOINT
    invoked: list[tuple[str, Any]] = field(default_factory=list)
    browser: Any = None  # an infra.local.aws.browse.DataBrowser, for the data routes

    def __post_init__(self) -> None:
        resolver = Resolver(cfn.load(), ENDPOINT)
        self.router = Router(self.functions)
        self.gateway_answers = {kind: gateway_answer(resolver, kind) for kind in GATEWAY_DEFAULTS}
        self.cors_preflight = cors_preflight(resolver)
        self.state = State()
        self.mailbox, self.history = self.state.mailbox, self.state.history

    def sign_in(self, request: Request) -> Response | None:
        return Response(302, b"", [("Location", "/signed-in")]) if request.path == "/oauth2/authorize" else None

    def verify_token(self, header: str | None) -> dict[str, Any] | None:
        return {"cognito:username": "alice", "email": "a@x.example"} if header == "Bearer good" else None

    def invoke(self, name: str, event: Any, request_id: str | None = None) -> Result:
        self.invoked.append((name, event))
        return Result(True, json.dumps(self.answer), request_id or "r-1", 1, Outcome.SUCCESS)

    def submit(self, name: str, payload: Any, source: str = "Event") -> str:
        self.invoked.append((name, payload))
        return "async-1"

    def uptime_s(self) -> float:
        return 1.0

    def issue_token(self, username: str, email: str, email_verified: bool = True) -> str:
        return f"token-{username}" + ("" if email_verified else "-unverified")

    def stats(self) -> dict[str, Any]:
        return self.state.stats()

    def redrive(self, request_ids: set[str] | None = None) -> int:
        return 0

    def purge(self) -> int:
        return 0

    def openapi(self) -> dict[str, Any]:
        return {}

    def reset(self) -> None:
        self.state.reset()

    def data_items(self, prefix: str, limit: int) -> dict[str, Any]:
        return self.browser.items(prefix, limit)

    def data_objects(self, bucket: str | None, prefix: str, limit: int) -> dict[str, Any]:
        return self.browser.objects(bucket, prefix, limit)


def _gateway(stack: FakeStack) -> Gateway:
    return Gateway(stack, LocalRoutes(stack))


def test_proxy_event_is_what_api_gateway_sends(fns):
    match = Router(fns).match("GET", "/leeds/abc")
    request = Request("GET", "/leeds/abc?x=1&x=2&y=", (("Authorization", "Bearer t"), ("X-A", "1"), ("X-A", "2")),
                      b"", "10.0.0.1", "127.0.0.1:3000")
    event = apigw.proxy_event(request, match, {"cognito:username": "u"}, now=datetime(2026, 1, 2, tzinfo=UTC),
                              request_id="rid")
    assert event["resource"] == "/leeds/{id}" and event["pathParameters"] == {"id": "abc"}
    assert event["queryStringParameters"] == {"x": "2", "y": ""}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": [""]}
    assert event["multiValueHeaders"]["X-A"] == ["1", "2"] and event["body"] is None
    context = event["requestContext"]
    assert context["requestId"] == "rid" and context["authorizer"] == {"claims": {"cognito:username": "u"}}
    assert context["identity"]["sourceIp"] == "10.0.0.1" and context["path"] == "/Prod/leeds/abc"
    assert context["requestTimeEpoch"] == 1767312000000


def test_binary_bodies_are_base64_encoded(fns):
    match = Router(fns).match("POST", "/leeds")
    event = apigw.proxy_event(Request("POST", "/leeds", (), b"\xff\xfe"), match, None)
    assert event["isBase64Encoded"] is True and event["body"] == "//4="


def test_integration_response_becomes_http():
    response = apigw.http_response({"statusCode": 201, "headers": {"Location": "/leeds/1", "X": "single"},
                                    "multiValueHeaders": {"X": ["a", "b"]}, "body": "{}"}, "rid")
    assert response.status == 201 and response.body == b"{}"
    assert [v for k, v in response.headers if k == "X"] == ["a", "b"]
    assert response.header("Location") == "/leeds/1" and response.header("x-amzn-RequestId") == "rid"
    assert apigw.integration_response("null") is None and apigw.integration_response("[]") is None


def test_gateway_answers_from_the_template_without_running_a_function(fns):
    stack = FakeStack(fns)
    gateway = _gateway(stack)
    assert gateway(Request("GET", "/nowhere")).status == 404
    assert gateway(Request("TRACE", "/trades")).status == 404  # no such method on the route: API Gateway's answer
    unauthorized = gateway(Request("GET", "/users/me"))
    assert unauthorized.status == 401 and json.loads(unauthorized.body)["error"] == "unauthorized"
    preflight = gateway(Request("OPTIONS", "/leeds"))
    assert preflight.status == 200 and preflight.header("Access-Control-Allow-Origin")
    assert gateway(Request("GET", "/oauth2/authorize")).header("Location") == "/signed-in"
    assert stack.invoked == []


def test_gateway_passes_claims_and_answers_500_for_a_broken_integration(fns):
    stack = FakeStack(fns, answer={"statusCode": 200, "body": '{"ok": true}'})
    response = _gateway(stack)(Request("GET", "/users/me", (("Authorization", "Bearer good"),)))
    assert response.status == 200 and response.body == b'{"ok": true}'
    [(name, event)] = stack.invoked
    assert name == "GetProfileFunction" and event["requestContext"]["authorizer"]["claims"]["cognito:username"]
    stack.answer = {"no": "statusCode"}
    broken = _gateway(stack)(Request("GET", "/trades"))
    assert broken.status == 500 and json.loads(broken.body)["error"] == "internal"


def test_starting_stack_answers_503_but_health_says_starting(fns):
    stack = FakeStack(fns, ready=False)
    assert _gateway(stack)(Request("GET", "/trades")).status == 503
    health = _gateway(stack)(Request("GET", "/_local/health"))
    assert health.status == 503 and json.loads(health.body)["status"] == "starting"


def test_local_routes_filter_the_mailbox_and_empty_it(fns):
    stack = FakeStack(fns)
    stack.mailbox.record("s@x", ["Bob@x.example", "carol@x.example"], "New leed: DJ", "<p>1</p>", "1")
    stack.mailbox.record("s@x", ["bob@x.example"], "Your receipt", None, "2")
    routes = LocalRoutes(stack)

    def get(target: str) -> Any:
        return json.loads(routes(Request("GET", target)).body)["items"]

    assert [e["subject"] for e in get("/_local/emails?to=bob@x.example")] == ["New leed: DJ", "Your receipt"]
    assert [e["to"] for e in get("/_local/emails?subject=new%20leed")] == [["Bob@x.example"], ["carol@x.example"]]
    assert [e["subject"] for e in get("/_local/emails?limit=1")] == ["Your receipt"]
    assert routes(Request("GET", "/_local/emails?limit=0")).status == 400
    assert routes(Request("DELETE", "/_local/emails")).status == 204
    assert get("/_local/emails") == []


def test_local_token_needs_both_claims(fns):
    routes = LocalRoutes(FakeStack(fns))
    ok = routes(Request("POST", "/_local/token", body=b'{"username": "u", "email": "u@x.example"}'))
    assert ok.status == 200 and json.loads(ok.body) == {"token": "token-u"}
    for body in (b"", b"[]", b'{"username": "u"}', b"not json", b'{"username": "", "email": "u@x.example"}',
                 b'{"username": "' + b"u" * 129 + b'", "email": "u@x.example"}', b'{"username": "u", "email": "u"}'):
        refused = routes(Request("POST", "/_local/token", body=body))
        assert refused.status == 400 and json.loads(refused.body)["error"] == "bad_request", body


def test_local_token_takes_email_verified_default_true(fns):
    routes = LocalRoutes(FakeStack(fns))
    unverified = routes(Request("POST", "/_local/token",
                                body=b'{"username": "u", "email": "u@x.example", "email_verified": false}'))
    assert json.loads(unverified.body) == {"token": "token-u-unverified"}
    refused = routes(Request("POST", "/_local/token",
                             body=b'{"username": "u", "email": "u@x.example", "email_verified": "no"}'))
    assert refused.status == 400 and "email_verified" in json.loads(refused.body)["message"]


def test_invoke_api_lists_and_describes_functions_and_names_unknown_ones(fns):
    api = InvokeApi(FakeStack(fns))
    listed = json.loads(api(Request("GET", "/2015-03-31/functions/")).body)["Functions"]
    assert {f["FunctionName"] for f in listed} == set(fns)
    got = json.loads(api(Request("GET", "/2015-03-31/functions/EmailController")).body)
    assert got["Configuration"]["Handler"] == "controllers/email_controller.handler"
    assert got["Configuration"]["Runtime"] == "python3.12" and got["Configuration"]["Architectures"] == ["arm64"]
    by_arn = api(Request("GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction"
                                "%3AEmailController/configuration"))
    assert json.loads(by_arn.body)["FunctionName"] == "EmailController"
    for method, target in (("GET", "/2015-03-31/functions/Nope"), ("POST", "/2015-03-31/functions/Nope/invocations")):
        missing = api(Request(method, target, body=b"{}"))
        assert missing.status == 404 and missing.header("x-amzn-ErrorType") == "ResourceNotFoundException"
        assert "EmailController" in json.loads(missing.body)["message"]


def test_invoke_api_event_and_dry_run(fns):
    stack = FakeStack(fns)
    api = InvokeApi(stack)
    target = "/2015-03-31/functions/EmailController/invocations"
    queued = api(Request("POST", target, (("X-Amz-Invocation-Type", "Event"),), b'{"function": "x"}'))
    assert queued.status == 202 and queued.header("x-amzn-RequestId") == "async-1"
    assert api(Request("POST", target, (("X-Amz-Invocation-Type", "DryRun"),), b"{}")).status == 204
    assert api(Request("POST", target, (), b"not json")).status == 400


@pytest.fixture
def talking_server():
    """A real socket server whose face answers 204 *with* a body (as a careless handler would), then 200."""

    def face(request: Request) -> Response:
        if request.path == "/no-content":
            return Response(204, b"null", [("Content-Type", "application/json")])
        if request.path == "/not-modified":
            return Response(304, b"stale body")
        return Response.json(200, {"method": request.method})

    srv = server.serve(face, 0)
    yield srv.server_address[1]
    srv.shutdown()


def test_no_body_is_ever_written_on_204_or_304_keep_alive_survives(talking_server):
    with requests.Session() as session:
        base = f"http://127.0.0.1:{talking_server}"
        for _ in range(3):
            gone = session.put(f"{base}/no-content", timeout=5)
            assert gone.status_code == 204 and gone.content == b""
            assert session.get(f"{base}/other", timeout=5).json() == {"method": "GET"}
            assert session.get(f"{base}/not-modified", timeout=5).status_code == 304
    with socket.create_connection(("127.0.0.1", talking_server), timeout=5) as sock:
        sock.sendall(b"DELETE /no-content HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     b"GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    first, _, rest = data.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 204") and b"Content-Length" not in first
    assert rest.startswith(b"HTTP/1.1 200")  # the next status line follows the 204's headers at once


def test_every_method_reaches_the_face(talking_server):
    for method in ("TRACE", "PROPFIND", "HEAD"):
        resp = requests.request(method, f"http://127.0.0.1:{talking_server}/x", timeout=5)
        assert resp.status_code == 200, method
        if method == "HEAD":
            assert resp.content == b"" and int(resp.headers["Content-Length"]) > 0


def test_only_loopback_hosts_and_no_cross_site_writes(talking_server):
    base = f"http://127.0.0.1:{talking_server}"
    assert requests.get(f"{base}/x", headers={"Host": "evil.example"}, timeout=5).status_code == 403
    assert requests.get(f"{base}/x", headers={"Host": f"localhost:{talking_server}"}, timeout=5).status_code == 200
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "cross-site"}):
        refused = requests.post(f"{base}/x", headers=headers, timeout=5)
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
        assert requests.get(f"{base}/x", headers=headers, timeout=5).status_code == 200  # reads are CORS's
    # a form posted from a loopback page under Referrer-Policy: no-referrer (the local sign-in page)
    assert requests.post(f"{base}/x", headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
                         timeout=5).status_code == 200
    assert requests.post(f"{base}/x", headers={"Origin": "http://127.0.0.1:3002"}, timeout=5).status_code == 200
    assert requests.delete(f"{base}/x", timeout=5).status_code == 200  # tools send no Origin


def test_the_guard_is_the_same_for_every_port_and_stricter_for_the_emulator():
    from infra.local import guard

    def refused(method, path="/", reads_too=False, **headers):
        given = {"Host": "127.0.0.1:4566", **{k.replace("_", "-"): v for k, v in headers.items()}}
        return guard.refused(method, path, given.get, reads_too=reads_too)

    assert refused("GET", Host="attacker.example") and refused("GET", Host="attacker.example", reads_too=True)
    assert refused("POST", Origin="https://evil.example") and refused("POST", Sec_Fetch_Site="cross-site")
    assert refused("GET", Origin="https://evil.example") is None  # ports: reads are CORS's to decide
    assert refused("GET", Origin="https://evil.example", reads_too=True)  # the emulator: never
    assert refused("GET", "/moto-api/data.json", reads_too=True, Sec_Fetch_Site="none")  # any browser
    assert refused("GET", "/moto-api/data.json", reads_too=True) is None  # a tool
    assert refused("POST", "/bucket", reads_too=True, Origin="http://127.0.0.1:3002",
                   Sec_Fetch_Site="same-site") is None  # the web app's upload


def test_the_emulators_wsgi_guard_answers_403_before_moto_runs():
    from werkzeug.test import Client

    from infra.local.aws.emulator import guarded

    ran = []

    def app(environ, start_response):
        ran.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"moto"]

    client = Client(guarded(app))
    assert client.get("/moto-api/data.json", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    refused = client.get("/moto-api/data.json", headers={"Host": "evil.example"})
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    assert client.post("/", headers={"Host": "127.0.0.1", "Origin": "https://evil.example"}).status_code == 403
    assert ran == ["/moto-api/data.json"]
