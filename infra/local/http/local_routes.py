"""The ``/_local`` routes on the API port: health, tokens, windows onto what the stack remembers (the mailbox,
failure records, invocations and runs, stats) and onto its data (items, objects), and the console over them
(``http/console_files.py``). JSON in and out, the contract's error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from infra.local.auth import cognito_claims_error
from infra.local.http import console_files
from infra.local.http.messages import Request, Response
from infra.local.state.history import History
from infra.local.state.mailbox import Mailbox


class LocalBackend(Protocol):
    """What the ``/_local`` routes need of the stack."""

    @property
    def ready(self) -> bool: ...

    @property
    def pending(self) -> int: ...

    endpoint: str
    mailbox: Mailbox
    history: History

    def uptime_s(self) -> float: ...

    def issue_token(self, username: str, email: str, email_verified: bool = True) -> str: ...

    def stats(self) -> dict[str, Any]: ...

    def redrive(self, request_ids: set[str] | None = None) -> int: ...

    def purge(self) -> int: ...

    def openapi(self) -> dict[str, Any]: ...

    def reset(self) -> None: ...

    def data_items(self, prefix: str, limit: int) -> dict[str, Any]: ...

    def data_objects(self, bucket: str | None, prefix: str, limit: int) -> dict[str, Any]: ...


# What each route does, for the OpenAPI document (tag ``local``, apart from the API that deploys); a test holds
# it equal to the routes ``LocalRoutes`` serves.
SUMMARIES = {
    ("GET", "/_local/health"): "200 once ready, with the number of async invocations not yet finished.",
    ("POST", "/_local/token"): 'A bearer token for {"username", "email"} (what Cognito could issue; else 400).',
    ("GET", "/_local/"): "The console: a web page over these routes.",
    ("GET", "/_local/emails"): "Every email sent, as each recipient got it, oldest first (?to=&subject=&limit=).",
    ("GET", "/_local/emails/html"): "One email's HTML part as a page of its own, sandboxed, for the console (?id=).",
    ("DELETE", "/_local/emails"): "Empty the mailbox.",
    ("GET", "/_local/failed"): "The records that reached OnFailure destinations.",
    ("DELETE", "/_local/failed"): "Purge the failure records (and the failure queues).",
    ("POST", "/_local/redrive"): 'Re-send failure records to their functions: all, or {"ids": [request id]}.',
    ("GET", "/_local/invocations"): "Async invocations with their attempts (?function=&correlation_id=&limit=).",
    ("GET", "/_local/runs"): "Handler runs: HTTP requests' and async attempts (?correlation_id=&function=&limit=).",
    ("GET", "/_local/stats"): "Invocations by outcome, AWS calls per service and operation, durations.",
    ("GET", "/_local/data/items"): "The tables' items whose partition key begins with ?prefix= (&limit=), read-only.",
    ("GET", "/_local/data/objects"): "The buckets' objects (?bucket=&prefix=&limit=), read-only.",
    ("GET", "/_local/openapi.json"): "This document.",
    ("POST", "/_local/reset"): "Back to the demo data (tokens and links already issued stay valid).",
}


def document(paths: dict[str, Any]) -> None:
    """Add the local routes to an OpenAPI document's ``paths``, tagged ``local``."""
    for (method, path), summary in SUMMARIES.items():
        operation: dict[str, Any] = {
            "tags": ["local"], "summary": summary, "operationId": f"local_{method.lower()}_{path.split('/')[-1]}",
            "responses": {"200": {"description": "Done.", "content": {"application/json": {"schema": {}}}}}}
        if (method, path) in (("DELETE", "/_local/emails"), ("POST", "/_local/reset")):
            operation["responses"] = {"204": {"description": "Done; no body."}}
        if path in ("/_local/", "/_local/emails/html"):
            operation["operationId"] = "local_console" if path == "/_local/" else "local_get_email_html"
            operation["responses"] = {"200": {"description": "A page.",
                                              "content": {"text/html": {"schema": {"type": "string"}}}}}
        paths.setdefault(path, {})[method.lower()] = operation


def _limit(request: Request, most: int | None = None) -> int | None:
    raw = request.param("limit")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1 or (most is not None and int(raw) > most):
        raise ValueError(f"limit must be a positive integer{f' up to {most}' if most else ''}")
    return int(raw)


class LocalRoutes:
    def __init__(self, backend: LocalBackend) -> None:
        self._stack = backend
        self._routes: dict[tuple[str, str], Callable[[Request], Response]] = {
            ("POST", "/_local/token"): self._token,
            ("GET", "/_local/emails"): self._emails,
            ("DELETE", "/_local/emails"): lambda _: self._done(self._stack.mailbox.clear()),
            ("GET", "/_local/failed"): lambda _: Response.json(200, {"items": self._stack.history.failures()}),
            ("DELETE", "/_local/failed"): lambda _: Response.json(200, {"purged": self._stack.purge()}),
            ("POST", "/_local/redrive"): self._redrive,
            ("GET", "/_local/invocations"): self._invocations,
            ("GET", "/_local/runs"): self._runs,
            ("GET", "/_local/stats"): lambda _: Response.json(200, self._stack.stats()),
            ("GET", "/_local/"): self._console,
            ("GET", "/_local/emails/html"): self._email_html,
            ("GET", "/_local/data/items"): lambda r: Response.json(200, self._stack.data_items(
                r.param("prefix") or "", _limit(r, 1000) or 100)),
            ("GET", "/_local/data/objects"): lambda r: Response.json(200, self._stack.data_objects(
                r.param("bucket") or None, r.param("prefix") or "", _limit(r, 1000) or 100)),
            ("GET", "/_local/openapi.json"): lambda _: Response.json(200, self._stack.openapi()),
            ("POST", "/_local/reset"): lambda _: self._done(self._stack.reset()),
        }

    def __call__(self, request: Request) -> Response:
        stack = self._stack
        if (request.method, request.path) == ("GET", "/_local/health"):
            if not stack.ready:
                return Response.json(503, {"status": "starting", "pending": 0})
            return Response.json(200, {"status": "ready", "pending": stack.pending, "aws_endpoint": stack.endpoint,
                                       "uptime_s": round(stack.uptime_s(), 1)})
        if request.method == "GET" and (request.path == "/_local/" or request.path.startswith("/_local/console/")):
            return self._console(request)  # static: served while the stack starts too
        if not stack.ready:
            return Response.error(503, "unavailable", "The local stack is starting.")
        route = self._routes.get((request.method, request.path))
        if route is None:
            return Response.error(404, "not_found", "No such local route.")
        try:
            return route(request)
        except ValueError as exc:
            return Response.error(400, "bad_request", str(exc))
        except LookupError as exc:
            return Response.error(404, "not_found", str(exc.args[0]) if exc.args else "Not found.")

    @staticmethod
    def _done(_: Any = None) -> Response:
        return Response(204)

    def _token(self, request: Request) -> Response:
        """Only what a Cognito pool could issue: both claims (a pool signing in by email always has them),
        within Cognito's username rules and lengths; ``email_verified`` (default true) so tests can mint a token
        whose address was never confirmed."""
        try:
            claims = request.json()
            username, email = claims["username"], claims["email"]
            verified = claims.get("email_verified", True)
        except (ValueError, KeyError, TypeError, AttributeError):
            return Response.error(400, "bad_request", 'The body must be {"username", "email"}, both non-empty.')
        problem = cognito_claims_error(username, email)
        if not problem and not isinstance(verified, bool):
            problem = '"email_verified" must be true or false.'
        if problem:
            return Response.error(400, "bad_request", problem)
        return Response.json(200, {"token": self._stack.issue_token(username, email, verified)})

    def _emails(self, request: Request) -> Response:
        items = self._stack.mailbox.items(to=request.param("to"), subject=request.param("subject"),
                                          limit=_limit(request))
        return Response.json(200, {"items": items})

    def _redrive(self, request: Request) -> Response:
        body = request.json() if request.body else {}
        ids = body.get("ids") if isinstance(body, dict) else None
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
            raise ValueError('The body must be {"ids": [request id, ...]} or empty.')
        return Response.json(200, {"redriven": self._stack.redrive(set(ids) if ids is not None else None)})

    def _invocations(self, request: Request) -> Response:
        items = self._stack.history.invocations(function=request.param("function"),
                                                correlation_id=request.param("correlation_id"),
                                                limit=_limit(request) or 200)
        return Response.json(200, {"items": items})

    def _runs(self, request: Request) -> Response:
        items = self._stack.history.runs(correlation_id=request.param("correlation_id") or None,
                                         function=request.param("function") or None,
                                         limit=_limit(request) or 200)
        return Response.json(200, {"items": items})

    @staticmethod
    def _console(request: Request) -> Response:
        found = console_files.serve(request.path)
        return found if found is not None else Response.error(404, "not_found", "No such console file.")

    def _email_html(self, request: Request) -> Response:
        raw = request.param("id") or ""
        if not raw.isdigit():
            raise ValueError("id must be an email's id (a positive integer)")
        html = self._stack.mailbox.html(int(raw))
        if html is None:
            raise LookupError("No such email, or it has no HTML part.")
        return console_files.email_page(html)
