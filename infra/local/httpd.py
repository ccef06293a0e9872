"""A threaded HTTP server base: JSON replies and request bodies. The standard library suffices for two
loopback endpoints; a framework would only add start-up time."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, +40 ms (delayed ACK)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the stack logs invocations itself."""

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, body: bytes | str | Any = b"", headers: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        sent = {k.lower() for k in (headers or {})}
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "content-type" not in sent and data:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a burst of concurrent clients (API Gateway takes thousands) would
    # overflow it and see connections reset.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-request is routine (health polls, Ctrl-C in curl): no traceback for it."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(handler: type[Handler], port: int, stack: Any) -> ThreadingHTTPServer:
    """Bind 127.0.0.1:``port`` and serve in a daemon thread; ``handler.stack`` is the running stack."""
    server = Server(("127.0.0.1", port), type(handler.__name__, (handler,), {"stack": stack}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
