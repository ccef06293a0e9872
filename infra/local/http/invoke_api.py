"""The Lambda API on the invoke port: ``Invoke``, ``ListFunctions``, ``GetFunction`` and
``GetFunctionConfiguration``.

Enough of Lambda's REST protocol for boto3 and ``aws lambda ... --endpoint-url``: RequestResponse (200,
payload, ``X-Amz-Function-Error`` on a function error), Event (202 at once), DryRun (204); an unknown function
is Lambda's ``ResourceNotFoundException`` (404).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Protocol
from urllib.parse import unquote

from infra.local.http.messages import Request, Response
from infra.local.runtime.workers import Result
from infra.local.sam.model import ACCOUNT, REGION, Function, function_name

ASYNC_LIMIT = 256 * 1024  # Lambda's payload quotas
SYNC_LIMIT = 6 * 1024 * 1024
_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")
_FUNCTION = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)(?P<config>/configuration)?/?$")
_LIST = re.compile(r"^/2015-03-31/functions/?$")


class InvokeBackend(Protocol):
    """What the Lambda API needs of the stack."""

    @property
    def ready(self) -> bool: ...

    functions: dict[str, Function]

    def invoke(self, name: str, event: Any, request_id: str | None = None) -> Result: ...

    def submit(self, name: str, payload: Any, source: str = "Event") -> str: ...


def _error(status: int, kind: str, message: str) -> Response:
    return Response.json(status, {"Type": "User", "message": message}, {"x-amzn-ErrorType": kind})


def configuration(fn: Function) -> dict[str, Any]:
    """``FunctionConfiguration`` as Lambda describes a deployed function."""
    return {
        "FunctionName": fn.name, "FunctionArn": fn.arn, "Runtime": fn.runtime, "Handler": fn.handler,
        "Role": f"arn:aws:iam::{ACCOUNT}:role/{fn.name}Role",
        "Timeout": fn.timeout, "MemorySize": fn.memory, "Architectures": [fn.architecture],
        "Environment": {"Variables": dict(fn.env)}, "Version": "$LATEST", "State": "Active",
        "LastUpdateStatus": "Successful", "PackageType": "Zip", "Description": "",
        "CodeSha256": hashlib.sha256(fn.handler.encode()).hexdigest(), "CodeSize": 0,
        "TracingConfig": {"Mode": "PassThrough"},
    }


class InvokeApi:
    def __init__(self, backend: InvokeBackend) -> None:
        self._stack = backend

    def __call__(self, request: Request) -> Response:
        if not self._stack.ready:
            return _error(503, "ServiceException", "The local stack is starting.")
        path = request.path
        if request.method == "GET" and _LIST.match(path):
            functions = [configuration(fn) for fn in self._stack.functions.values()]
            return Response.json(200, {"Functions": functions, "NextMarker": None})
        found = _FUNCTION.match(path) if request.method == "GET" else None
        if found:
            fn = self._function(found["name"])
            if fn is None:
                return self._not_found(found["name"])
            if found["config"]:
                return Response.json(200, configuration(fn))
            return Response.json(200, {"Configuration": configuration(fn),
                                       "Code": {"RepositoryType": "Local", "Location": ""}})
        invoke = _INVOKE.match(path) if request.method == "POST" else None
        if invoke:
            return self._invoke(invoke["name"], request)
        return _error(404, "UnknownOperationException", f"No such operation: {request.method} {path}")

    def _function(self, raw: str) -> Function | None:
        return self._stack.functions.get(function_name(unquote(raw)))

    def _not_found(self, raw: str) -> Response:
        name = function_name(unquote(raw))
        known = ", ".join(sorted(self._stack.functions))
        return _error(404, "ResourceNotFoundException",
                      f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name} "
                      f"(this stack has: {known})")

    def _invoke(self, raw: str, request: Request) -> Response:
        fn = self._function(raw)
        if fn is None:
            return self._not_found(raw)
        try:
            payload = request.json()
        except ValueError:
            return _error(400, "InvalidRequestContentException", "Could not parse request body into json")
        kind = request.header("X-Amz-Invocation-Type") or "RequestResponse"
        limit = ASYNC_LIMIT if kind == "Event" else SYNC_LIMIT
        if len(request.body) > limit:
            return _error(413, "RequestEntityTooLargeException",
                          f"Request must be smaller than {limit} bytes for the {kind} invocation type")
        headers = [("X-Amz-Executed-Version", "$LATEST")]
        if kind == "DryRun":
            return Response(204, b"", headers)
        if kind == "Event":
            return Response(202, b"", [*headers, ("x-amzn-RequestId", self._stack.submit(fn.name, payload))])
        result = self._stack.invoke(fn.name, payload)
        headers.append(("x-amzn-RequestId", result.request_id))
        if result.ok:
            return Response(200, result.payload.encode(), [("Content-Type", "application/json"), *headers])
        return Response(200, json.dumps(result.payload).encode(),
                        [("Content-Type", "application/json"), *headers, ("X-Amz-Function-Error", "Unhandled")])
