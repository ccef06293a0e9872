"""The Lambda API on the invoke port: ``Invoke``, ``ListFunctions``, ``GetFunction``,
``GetFunctionConfiguration``, ``GetFunctionEventInvokeConfig`` and ``ListFunctionEventInvokeConfigs``.

Enough of Lambda's REST protocol for boto3 and ``aws lambda ... --endpoint-url``: RequestResponse (200,
payload, ``X-Amz-Function-Error`` on a function error, ``LogResult`` for ``LogType: Tail``), Event (202 at
once), DryRun (204); a ``Qualifier`` of ``$LATEST`` or the template's alias (``AutoPublishAlias``), in the
query or after the name. Lambda's errors in its shape: an unknown function or qualifier is
``ResourceNotFoundException`` (404), a payload that is not JSON ``InvalidRequestContentException`` (400), one
over 6 MB (256 KB for Event) ``RequestEntityTooLargeException`` (413); any other method or path
``UnknownOperationException`` (404).

Payload too large: Lambda's API reference names ``RequestTooLargeException``, but Lambda answers
``RequestEntityTooLargeException`` with these messages (as SDK users report it, e.g. "264496 byte payload is too
large for the Event invocation type (limit 262144 bytes)"); clients see the latter, so it is what this sends.
"""

from __future__ import annotations

import re
from typing import Any, Protocol
from urllib.parse import unquote

from infra.local.http import lambda_views as views
from infra.local.http.messages import Request, Response
from infra.local.runtime.workers import Result
from infra.local.sam.model import ACCOUNT, REGION, Function

ASYNC_LIMIT = 256 * 1024  # Lambda's payload quotas
SYNC_LIMIT = 6 * 1024 * 1024
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")
TOO_LARGE = "RequestEntityTooLargeException"
_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")
_FUNCTION = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)(?P<config>/configuration)?/?$")
_LIST = re.compile(r"^/2015-03-31/functions/?$")
_INVOKE_CONFIG = re.compile(r"^/2019-09-25/functions/(?P<name>[^/]+)/event-invoke-config(?P<list>/list)?$")



class InvokeBackend(Protocol):
    """What the Lambda API needs of the stack."""

    @property
    def ready(self) -> bool: ...

    functions: dict[str, Function]

    def invoke(self, name: str, event: Any, request_id: str | None = None) -> Result: ...

    def submit(self, name: str, payload: Any, source: str = "Event") -> str: ...


class LambdaError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind = status, kind

    def response(self) -> Response:
        return Response.json(self.status, {"Type": "User", "message": str(self)}, {"x-amzn-ErrorType": self.kind})


def _error(status: int, kind: str, message: str) -> Response:
    return LambdaError(status, kind, message).response()


class InvokeApi:
    def __init__(self, backend: InvokeBackend) -> None:
        self._stack = backend

    def __call__(self, request: Request) -> Response:
        if not self._stack.ready:
            return _error(503, "ServiceException", "The local stack is starting.")
        try:
            return self._route(request)
        except LambdaError as exc:
            return exc.response()

    max_body = SYNC_LIMIT  # read no more than the largest payload Lambda takes; over it, answered unread

    def too_large(self) -> Response:
        return _error(413, TOO_LARGE,
                      f"Request must be smaller than {SYNC_LIMIT} bytes for the InvokeFunction operation")

    def malformed(self, status: int, message: str) -> Response:
        """What the socket side answers for a request it cannot read (see ``server.send_error``)."""
        return _error(status, "InvalidRequestContentException", message)

    def _route(self, request: Request) -> Response:
        path, method = request.path, request.method
        if method == "GET" and _LIST.match(path):
            functions = [views.configuration(fn) for fn in self._stack.functions.values()]
            return Response.json(200, {"Functions": functions, "NextMarker": None})
        found = _FUNCTION.match(path) if method == "GET" else None
        if found:
            fn, qualifier = self._function(found["name"], request.param("Qualifier"))
            if found["config"]:
                return Response.json(200, views.configuration(fn, qualifier))
            return Response.json(200, {"Configuration": views.configuration(fn, qualifier),
                                       "Code": {"RepositoryType": "Local", "Location": ""}})
        found = _INVOKE_CONFIG.match(path) if method == "GET" else None
        if found:
            return self._invoke_config(found["name"], request, listing=bool(found["list"]))
        found = _INVOKE.match(path) if method == "POST" else None
        if found:
            return self._invoke(found["name"], request)
        return _error(404, "UnknownOperationException", f"No such operation: {method} {path}")

    def _function(self, raw: str, qualifier: str | None) -> tuple[Function, str | None]:
        """The function a name, ARN or partial ARN names, and the qualifier (from the name or ``Qualifier``)."""
        name = unquote(raw)
        if ":function:" in name:
            name = name.split(":function:", 1)[1]
        name, _, in_name = name.partition(":")
        if in_name and qualifier and in_name != qualifier:
            raise LambdaError(400, "InvalidParameterValueException",
                              "The derived qualifier from the function name does not match the specified qualifier.")
        qualifier = in_name or qualifier
        fn = self._stack.functions.get(name)
        if fn is None or qualifier not in (None, views.LATEST, fn.alias):
            known = ", ".join(sorted(self._stack.functions))
            raise LambdaError(404, "ResourceNotFoundException",
                              f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
                              + (f":{qualifier}" if qualifier else "") + f" (this stack has: {known})")
        return fn, qualifier

    def _invoke_config(self, raw: str, request: Request, listing: bool) -> Response:
        fn, qualifier = self._function(raw, request.param("Qualifier"))
        if listing:
            configs = [views.event_invoke_config(fn, qualifier)] if fn.has_invoke_config else []
            return Response.json(200, {"FunctionEventInvokeConfigs": configs, "NextMarker": None})
        if not fn.has_invoke_config:
            return _error(404, "ResourceNotFoundException",
                          f"The function {views.arn(fn, qualifier or views.LATEST)} doesn't have an "
                          "EventInvokeConfig")
        return Response.json(200, views.event_invoke_config(fn, qualifier))

    def _invoke(self, raw: str, request: Request) -> Response:
        fn, _ = self._function(raw, request.param("Qualifier"))
        kind = request.header("X-Amz-Invocation-Type") or "RequestResponse"
        if kind not in INVOCATION_TYPES:
            return _error(400, "InvalidParameterValueException",
                          f"1 validation error detected: Value '{kind}' at 'invocationType' failed to satisfy "
                          f"constraint: Member must satisfy enum value set: [{', '.join(INVOCATION_TYPES)}]")
        if kind == "Event" and len(request.body) > ASYNC_LIMIT:
            return _error(413, TOO_LARGE, f"{len(request.body)} byte payload is too large for the Event invocation "
                                          f"type (limit {ASYNC_LIMIT} bytes)")
        if len(request.body) > SYNC_LIMIT:
            return self.too_large()
        try:
            payload = request.json()
        except ValueError:
            return _error(400, "InvalidRequestContentException", "Could not parse request body into json")
        # The local stack runs the code as it is now, unpublished: whatever the qualifier, $LATEST executes.
        headers = [("X-Amz-Executed-Version", views.LATEST)]
        if kind == "DryRun":
            return Response(204, b"", headers)
        if kind == "Event":
            return Response(202, b"", [*headers, ("x-amzn-RequestId", self._stack.submit(fn.name, payload))])
        result = self._stack.invoke(fn.name, payload)
        headers.append(("x-amzn-RequestId", result.request_id))
        if request.header("X-Amz-Log-Type") == "Tail":
            headers.append(("X-Amz-Log-Result", views.log_result(fn, result, views.LATEST)))
        if result.ok:
            return Response(200, result.payload.encode(), [("Content-Type", "application/json"), *headers])
        return Response(200, views.error_payload(result),
                        [("Content-Type", "application/json"), *headers, ("X-Amz-Function-Error", "Unhandled")])
