"""The code that runs inside a worker process: one Lambda instance of one function.

Kept free of heavy imports: the spawned process imports this module first, sets the function's environment,
then imports the handler module once (warm state survives between invocations, as in a Lambda container).
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import time
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

_calls: Counter[str] = Counter()
_output: list[str] = []  # this invocation's output, for the Invoke API's LogResult (``--log-type Tail``)
LOG_TAIL = 4096  # characters of it sent back (Lambda returns the last 4 KB)


class _Prefixed(io.TextIOBase):
    """Line-buffered stream that prefixes every line with the function name (``docker compose`` style)."""

    def __init__(self, target: Any, prefix: str) -> None:
        self._target, self._prefix, self._buf = target, prefix, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        _output.append(text)
        self._buf += text
        *lines, self._buf = self._buf.split("\n")
        for line in lines:
            self._target.write(f"{self._prefix} | {line}\n")
        if lines:
            self._target.flush()
        return len(text)

    def flush(self) -> None:
        self._target.flush()


_latency = [0.0]  # seconds added to every AWS call (LEEDZ_AWS_LATENCY_MS, from the spec)


def _count_call(model: Any, **_: Any) -> None:
    """botocore ``before-call`` hook: one count per AWS API call this process makes (retries excluded), and the
    latency a call to AWS has, so the request path's shape (how many calls in sequence) shows in local timings."""
    _calls[f"{model.service_model.service_name}:{model.name}"] += 1
    if _latency[0]:
        time.sleep(_latency[0])


@dataclass
class Context:
    """What the Lambda runtime passes as ``context`` (the fields powertools and handlers read)."""

    function_name: str
    aws_request_id: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    deadline: float
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    client_context: Any = None
    identity: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.time()) * 1000))


def _error(exc: BaseException) -> dict[str, Any]:
    """Lambda's error shape; the trace starts at the handler (this module's frame is the runtime's)."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]
    return {"errorMessage": str(exc), "errorType": type(exc).__name__,
            "stackTrace": [line for line in traceback.format_list(frames)]}


def serve(conn: Any, spec: dict[str, Any]) -> None:
    """Process entry point: ``spec`` = name, module, attr, env, memory, arn."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills its workers
    os.environ.update(spec["env"])
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    sys.stdout = _Prefixed(sys.__stdout__, spec["name"])
    sys.stderr = _Prefixed(sys.__stderr__, spec["name"])
    from botocore import handlers  # before any session exists, so every client gets the hook

    handlers.BUILTIN_HANDLERS.append(("before-call", _count_call))
    _latency[0] = spec.get("latency_ms", 0) / 1000
    started = time.time()
    try:
        import importlib

        handler = getattr(importlib.import_module(spec["module"]), spec["attr"])
        init_error = None
    except Exception as exc:  # noqa: BLE001 - reported per invocation, as Lambda does
        init_error = {"errorMessage": f"Unable to import module '{spec['module']}': {exc}",
                      "errorType": "Runtime.ImportModuleError", "stackTrace": []}
        handler = None
    conn.send(("ready", int((time.time() - started) * 1000)))
    while True:
        try:
            request_id, event, deadline = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        context = Context(spec["name"], request_id, spec["arn"], spec["memory"], deadline)
        _calls.clear()
        _output.clear()
        try:
            reply = ("error", init_error) if init_error else ("ok", json.dumps(handler(event, context), default=str))
        except Exception as exc:  # noqa: BLE001 - a function error is data for the caller
            reply = ("error", _error(exc))
        sys.stdout.flush()
        conn.send((*reply, dict(_calls), "".join(_output)[-LOG_TAIL:]))
