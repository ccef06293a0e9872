"""Every method on every path, and requests too malformed for any face, get an answer in the port's own shape:
the gateway as API Gateway answers with this template, the Invoke API in Lambda's error shape, never the HTTP
server's HTML pages (issue 19)."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from infra import cfn
from infra.local.http import server
from infra.local.http.gateway import Gateway
from infra.local.http.invoke_api import InvokeApi
from infra.local.http.local_routes import LocalRoutes
from infra.local.http.messages import Request, Response
from infra.local.sam.model import functions
from tests.unit.test_local_http import ENDPOINT, FakeStack

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO")


@pytest.fixture(scope="module")
def fake_stack() -> FakeStack:
    return FakeStack(functions(cfn.load(), ENDPOINT), answer={"statusCode": 200, "body": "{}"})


@pytest.fixture(scope="module")
def ports(fake_stack):
    echo = server.serve(lambda request: Response.json(200, {"body": request.body.decode()}), 0)
    gateway = server.serve(Gateway(fake_stack, LocalRoutes(fake_stack)), 0)
    invoke = server.serve(InvokeApi(fake_stack), 0)
    yield {"echo": echo.server_address[1], "gateway": gateway.server_address[1], "invoke": invoke.server_address[1]}
    for srv in (echo, gateway, invoke):
        srv.shutdown()


def _raw(port: int, data: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/leeds", "/leeds/abc", "/trades", "/nowhere", "/"])
def test_the_gateway_answers_every_method_on_every_path_as_api_gateway(ports, fake_stack, method, path):
    fake_stack.invoked.clear()
    resp = requests.request(method, f"http://127.0.0.1:{ports['gateway']}{path}", timeout=5)
    assert resp.headers["Content-Type"] == "application/json" and resp.headers.get("x-amzn-RequestId")
    declared = fake_stack.router.match(method, path) is not None
    if method == "OPTIONS" and fake_stack.router.has_path(path):  # the template's Cors: a mock on every path
        assert resp.status_code == 200 and resp.headers["Access-Control-Allow-Methods"]
    elif not declared:  # MISSING_AUTHENTICATION_TOKEN, as this template's GatewayResponses give it
        assert resp.status_code == 404 and resp.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
        if method != "HEAD":
            assert resp.json() == {"error": "not_found", "message": "No such route."}
        assert not fake_stack.invoked
    if method == "HEAD":
        assert resp.content == b"" and int(resp.headers["Content-Length"]) > 0


@pytest.mark.parametrize(("data", "status"), [
    (b"GARBAGE\r\n\r\n", "400"),
    (b"GET /trades HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", "505"),
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "414"),
    (b"GET /trades HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", "431"),
    (b"POST /leeds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n{}", "400"),
    (b"POST /leeds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n{}", "400"),
    (b"POST /leeds HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400"),
])
def test_malformed_requests_get_the_port_s_own_error_shape_never_html(ports, data, status):
    line, headers, body = _raw(ports["gateway"], data)
    if line.startswith("HTTP/"):
        assert line.split()[1] == status and headers["content-type"] == "application/json", line
    assert b"<html" not in body.lower() and b"<!doctype" not in body.lower()
    assert set(json.loads(body)) == {"error", "message"}
    line, headers, body = _raw(ports["invoke"], data)
    assert json.loads(body)["Type"] == "User"
    if line.startswith("HTTP/"):
        assert headers["x-amzn-errortype"] == "InvalidRequestContentException"


def test_chunked_bodies_are_read_and_the_connection_stays_in_step(ports):
    line, _, body = _raw(ports["echo"], b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"
                                        b"GET /y HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert line == "HTTP/1.1 200 OK"
    first, _, rest = body.partition(b"HTTP/1.1 200 OK")
    assert json.loads(first) == {"body": "hello world"} and rest  # the next request was answered too


def test_the_invoke_port_answers_other_methods_in_lambda_s_shape(ports):
    for method in ("TRACE", "PATCH", "FOO", "HEAD"):
        resp = requests.request(method, f"http://127.0.0.1:{ports['invoke']}/2015-03-31/functions", timeout=5)
        assert resp.status_code == 404 and resp.headers["x-amzn-ErrorType"] == "UnknownOperationException"
        if method != "HEAD":
            assert resp.json()["Type"] == "User"


def test_gateway_faces_still_get_well_formed_requests(fake_stack):
    resp = Gateway(fake_stack, LocalRoutes(fake_stack))(Request("GET", "/trades"))
    assert resp.status == 200


def test_a_body_over_api_gateway_s_quota_is_its_413_unread(ports, fake_stack):
    fake_stack.invoked.clear()
    big = b"x" * (10 * 1024 * 1024 + 1)
    resp = requests.post(f"http://127.0.0.1:{ports['gateway']}/leeds", data=big,
                         headers={"Authorization": "Bearer good"}, timeout=30)
    assert resp.status_code == 413 and resp.json() == {"error": "too_large", "message": "The request is too large."}
    assert not fake_stack.invoked
    chunks = (b"x" * (1 << 20) for _ in range(11))  # requests sends a generator chunked
    resp = requests.post(f"http://127.0.0.1:{ports['gateway']}/leeds", data=chunks, timeout=30)
    assert resp.status_code == 413 and not fake_stack.invoked
    resp = requests.post(f"http://127.0.0.1:{ports['invoke']}/2015-03-31/functions/EmailController/invocations",
                         data=b"x" * (6 * 1024 * 1024 + 1), timeout=30)
    assert resp.status_code == 413 and resp.headers["x-amzn-ErrorType"] == "RequestEntityTooLargeException"
