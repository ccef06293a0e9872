"""The socket side of every local port: a threaded HTTP/1.1 server that turns each request into a
``Request``, asks its face for a ``Response`` and writes it. The standard library suffices for loopback
endpoints; a framework would only add start-up time."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infra.local import guard
from infra.local.http.messages import NO_BODY_STATUSES, Request, Response

Face = Callable[[Request], Response]


def refusal(request: Request) -> Response | None:
    """What no local port serves, whatever the face (``infra/local/guard.py``: a Host that is not loopback, a
    state-changing request from another site's page)."""
    reason = guard.refused(request.method, request.path, request.header)
    return Response.error(403, "forbidden", reason) if reason else None


class _Adapter(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, +40 ms (delayed ACK)

    def __init__(self, face: Face, *args: Any) -> None:
        self.face = face
        super().__init__(*args)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the stack logs invocations itself."""

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        request = Request(self.command, self.path, tuple(self.headers.items()), self._body(),
                          self.client_address[0], f"127.0.0.1:{self.server.server_port}")
        self.write(refusal(request) or self.face(request), head=self.command == "HEAD")

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
