"""The Lambda Invoke API on the invoke port: ``POST /2015-03-31/functions/{name}/invocations``.

Enough of Lambda's REST protocol for boto3 and ``aws lambda invoke --endpoint-url``: RequestResponse (200,
payload, ``X-Amz-Function-Error`` on a function error), Event (202 at once), DryRun (204).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit

from infra.local.httpd import Handler

ASYNC_LIMIT = 256 * 1024  # Lambda's payload quotas
SYNC_LIMIT = 6 * 1024 * 1024
_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")


def function_name(raw: str) -> str:
    """``EmailController``, or an ARN ending in it (optionally with a qualifier)."""
    name = unquote(raw)
    if ":function:" in name:
        name = name.split(":function:", 1)[1]
    return name.split(":", 1)[0]


class InvokeHandler(Handler):
    def _error(self, status: int, kind: str, message: str) -> None:
        self.reply(status, {"Type": "User", "message": message}, {"x-amzn-ErrorType": kind})

    def do_POST(self) -> None:
        match = _PATH.match(urlsplit(self.path).path)
        payload_bytes = self.body()
        if not match:
            self._error(404, "UnknownOperationException", f"No such operation: {self.path}")
            return
        name = function_name(match["name"])
        stack = self.stack  # type: ignore[attr-defined]
        if not stack.ready:
            self._error(503, "ServiceException", "The local stack is starting.")
            return
        if name not in stack.functions:
            self._error(404, "ResourceNotFoundException", f"Function not found: {name}")
            return
        try:
            payload = json.loads(payload_bytes or b"{}")
        except ValueError:
            self._error(400, "InvalidRequestContentException", "Could not parse request body into json")
            return
        kind = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        limit = ASYNC_LIMIT if kind == "Event" else SYNC_LIMIT
        if len(payload_bytes) > limit:
            self._error(413, "RequestEntityTooLargeException",
                        f"Request must be smaller than {limit} bytes for the {kind} invocation type")
            return
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if kind == "DryRun":
            self.reply(204, b"", headers)
        elif kind == "Event":
            request_id = stack.asyncq.submit(name, payload)
            self.reply(202, b"", {**headers, "x-amzn-RequestId": request_id})
        else:
            result = stack.invoke(name, payload)
            headers["x-amzn-RequestId"] = result.request_id
            if result.ok:
                self.reply(200, result.payload, headers)
            else:
                self.reply(200, result.payload, {**headers, "X-Amz-Function-Error": "Unhandled"})

    do_GET = do_PUT = do_DELETE = do_POST
