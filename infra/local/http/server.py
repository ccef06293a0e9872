"""The socket side of every local port: a threaded HTTP/1.1 server that turns each request into a
``Request``, asks its face for a ``Response`` and writes it. The standard library suffices for loopback
endpoints; a framework would only add start-up time."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infra.local import guard
from infra.local.http.messages import NO_BODY_STATUSES, Request, Response
from shared.errors import ERROR_CODES

Face = Callable[[Request], Response]


def refusal(request: Request) -> Response | None:
    """What no local port serves, whatever the face (``infra/local/guard.py``: a Host that is not loopback, a
    state-changing request from another site's page)."""
    reason = guard.refused(request.method, request.path, request.header)
    return Response.error(403, "forbidden", reason) if reason else None


MAX_BODY = 10 * 1024 * 1024  # a face's ``max_body`` unless it says otherwise (API Gateway's own quota)


class _TooLarge(Exception):
    """The body is over the face's ``max_body``: answered with its ``too_large()``, unread."""


def _contract_error(status: int, message: str) -> Response:
    return Response.error(status, ERROR_CODES.get(status, "bad_request"), message)


class _Adapter(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, +40 ms (delayed ACK)

    def __init__(self, face: Face, *args: Any) -> None:
        self.face = face
        super().__init__(*args)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the stack logs invocations itself."""

    def _body(self, limit: int) -> bytes:
        """The body by Content-Length, or chunked; ``ValueError`` when neither can be read, ``_TooLarge`` over
        ``limit`` bytes (a declared length is read and dropped first, so the client sees the answer)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked(limit)
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isdigit():  # int() takes "-1" (read to EOF: a hang) and " 1_0 "
            raise ValueError(f"Invalid Content-Length: {raw!r}")
        length = int(raw)
        if length > limit:
            while length > 0 and (chunk := self.rfile.read(min(length, 1 << 16))):
                length -= len(chunk)
            raise _TooLarge
        return self.rfile.read(length) if length else b""

    def _chunked(self, limit: int) -> bytes:
        body = bytearray()
        while size := int(self.rfile.readline(65537).split(b";")[0].strip() or b"x", 16):
            if len(body) + size > limit:
                raise _TooLarge
            body += self.rfile.read(size)
            self.rfile.readline()  # the CRLF after each chunk
        while self.rfile.readline(65537).strip():  # trailers, up to the empty line
            pass
        return bytes(body)

    def _handle(self) -> None:
        try:
            body = self._body(getattr(self.face, "max_body", MAX_BODY))
        except ValueError as exc:
            self.send_error(400, str(exc))
            return
        except _TooLarge:
            self.close_connection = True
            too_large = getattr(self.face, "too_large", None)
            self.write(too_large() if too_large else _contract_error(413, "The request is too large."))
            return
        request = Request(self.command, self.path, tuple(self.headers.items()), body,
                          self.client_address[0], f"127.0.0.1:{self.server.server_port}")
        self.write(refusal(request) or self.face(request), head=self.command == "HEAD")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A request too malformed for any face (a bad request line, header or length) is answered in the
        face's own error shape (its ``malformed``; else the contract's), never the standard library's HTML page.
        The connection closes: what follows on it cannot be trusted to start a request."""
        shape = getattr(self.face, "malformed", None) or _contract_error
        self.close_connection = True
        self.request_version = "HTTP/1.1"  # a status line and headers even when the request line was unreadable
        self.write(shape(code, message or HTTPStatus(code).phrase), head=self.command == "HEAD")

    def write(self, response: Response, head: bool = False) -> None:
        """Never a body on 204/304 (a keep-alive client would read it as the next response's status line);
        on HEAD the headers a GET would have, no body."""
        data = b"" if response.status in NO_BODY_STATUSES else response.body
        self.send_response(response.status)
        for key, value in response.headers:
            if key.lower() != "content-length":
                self.send_header(key, value)
        if response.status not in NO_BODY_STATUSES:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def handle_one_request(self) -> None:
        # Every method reaches the face (BaseHTTPRequestHandler answers an unknown one with its own HTML 501).
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline, self.command = "", None
            self.send_error(414)
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        self._handle()
        self.wfile.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a burst of concurrent clients (API Gateway takes thousands) would
    # overflow it and see connections reset.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-request is routine (health polls, Ctrl-C in curl): no traceback for it."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(face: Face, port: int) -> Server:
    """Bind 127.0.0.1:``port`` and serve ``face`` in a daemon thread."""
    server = Server(("127.0.0.1", port), partial(_Adapter, face))
    threading.Thread(target=server.serve_forever, daemon=True, name=f"http-{port}").start()
    return server
