"""An HTTP request and response as plain values, so the faces (gateway, Invoke API, ``/_local``) are pure
functions of a request, testable without a socket (as Chalice's ``LocalGateway.handle_request``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

NO_BODY_STATUSES = (204, 304)  # HTTP forbids a body on these, whatever a handler returns


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query, as on the request line
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    client: str = "127.0.0.1"
    host: str = "127.0.0.1"  # this server's address and port, as the client reached it

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> str:
        return urlsplit(self.target).query

    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)

    def param(self, name: str) -> str | None:
        values = self.params().get(name)
        return values[-1] if values else None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def json(self) -> Any:
        """The body as JSON (``{}`` when empty); ``ValueError`` when it is not JSON."""
        return json.loads(self.body or b"{}")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, status: int, value: Any, headers: dict[str, str] | None = None) -> Response:
        body = value.encode() if isinstance(value, str) else json.dumps(value).encode()
        return cls(status, body, [("Content-Type", "application/json"), *(headers or {}).items()])

    @classmethod
    def error(cls, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
        """The contract's error shape."""
        return cls.json(status, {"error": code, "message": message}, headers)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)
