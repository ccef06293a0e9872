"""What the Lambda API says about a function, in its own shapes: ``FunctionConfiguration``, a
``FunctionEventInvokeConfig``, and the log tail ``Invoke`` returns for ``LogType: Tail``."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import time
from typing import Any

from infra.local.runtime.workers import Result
from infra.local.sam.model import ACCOUNT, Function

LATEST = "$LATEST"
LOG_TAIL_BYTES = 4096  # Lambda's LogResult: the last 4 KB of the invocation's log
_STARTED = time.time()  # "LastModified" of the template's settings: when this stack read them


def arn(fn: Function, qualifier: str | None = None) -> str:
    return f"{fn.arn}:{qualifier}" if qualifier else fn.arn


def configuration(fn: Function, qualifier: str | None = None) -> dict[str, Any]:
    """``FunctionConfiguration`` as Lambda describes a deployed function (``qualifier`` an alias or $LATEST)."""
    return {
        "FunctionName": fn.name, "FunctionArn": arn(fn, qualifier), "Runtime": fn.runtime, "Handler": fn.handler,
        "Role": f"arn:aws:iam::{ACCOUNT}:role/{fn.name}Role",
        "Timeout": fn.timeout, "MemorySize": fn.memory, "Architectures": [fn.architecture],
        "Environment": {"Variables": dict(fn.env)}, "Version": LATEST, "State": "Active",
        "LastUpdateStatus": "Successful", "PackageType": "Zip", "Description": "",
        "CodeSha256": hashlib.sha256(fn.handler.encode()).hexdigest(), "CodeSize": 0,
        "TracingConfig": {"Mode": "PassThrough"},
    }


def event_invoke_config(fn: Function, qualifier: str | None) -> dict[str, Any]:
    """The template's ``EventInvokeConfig`` as ``GetFunctionEventInvokeConfig`` returns it."""
    destinations = {}
    for key, destination in (("OnSuccess", fn.on_success), ("OnFailure", fn.on_failure)):
        destinations[key] = {"Destination": destination.target} if destination else {}
    return {"LastModified": _STARTED, "FunctionArn": arn(fn, qualifier or LATEST),
            "MaximumRetryAttempts": fn.retries, "MaximumEventAgeInSeconds": fn.max_age,
            "DestinationConfig": destinations}


def log_result(fn: Function, result: Result, version: str) -> str:
    """Base64 of the last 4 KB of the invocation's log as CloudWatch would hold it: START, what the handler
    wrote, the runtime's error if it raised, END and REPORT (no memory figure: the local stack does not
    measure one, and an invented one would mislead)."""
    rid = result.request_id
    lines = [f"START RequestId: {rid} Version: {version}\n", result.log]
    if not result.ok:
        error = result.payload or {}
        lines.append(f"[ERROR] {error.get('errorType')}: {error.get('errorMessage')}\n")
        if error.get("stackTrace"):
            lines.append("Traceback (most recent call last):\n" + "".join(error["stackTrace"]))
    lines.append(f"END RequestId: {rid}\n")
    lines.append(f"REPORT RequestId: {rid}\tDuration: {result.duration_ms:.2f} ms\t"
                 f"Billed Duration: {max(1, math.ceil(result.duration_ms))} ms\tMemory Size: {fn.memory} MB\t\n")
    return base64.b64encode("".join(lines).encode()[-LOG_TAIL_BYTES:]).decode()


def error_payload(result: Result) -> bytes:
    return json.dumps(result.payload).encode()
