"""Worker processes: each function runs in its own processes, with its own environment, warm between calls.

A small pool per function (``LEEDZ_CONCURRENCY``, default 4) so a handler that invokes another function, or
concurrent requests, never deadlock; each worker serves one invocation at a time, like a Lambda instance.
A worker that overruns its timeout is killed and replaced.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from infra.local.runtime import worker_main
from infra.local.sam.model import ACCOUNT, REGION, Function

_SPAWN = multiprocessing.get_context("spawn")
INIT_TIMEOUT = 30.0  # Lambda allows 10 s; a busy laptop spawning every worker at once needs more


class Outcome(StrEnum):
    """How one attempt ended: what the handler did, or a fault the async queue injected around it."""

    SUCCESS = "success"
    ERROR = "error"
    TIMEOUT = "timeout"
    INJECTED_BEFORE = "injected_before"  # LEEDZ_FAULT_RATE: failed before the handler ran
    INJECTED_AFTER = "injected_after"  # ... or after it ran (and succeeded)
    THROTTLED = "throttled"  # never ran: the function's reserved concurrency stayed in use past the event's age


@dataclass
class Result:
    ok: bool
    payload: Any  # the handler's JSON text when ok, else the error object
    request_id: str
    duration_ms: int
    outcome: Outcome
    calls: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    log: str = ""  # the end of what the handler wrote (the Invoke API's LogResult)

    @property
    def error(self) -> str | None:
        return None if self.ok else f"{self.payload.get('errorType')}: {self.payload.get('errorMessage')}"


class Worker:
    def __init__(self, fn: Function, env: dict[str, str], code: int = 0, latency_ms: int = 0) -> None:
        self.fn, self.code = fn, code
        self.conn, child = _SPAWN.Pipe()
        spec = {"name": fn.name, "module": fn.module, "attr": fn.attr, "env": env, "memory": fn.memory,
                "latency_ms": latency_ms,
                "arn": fn.arn}
        self.process = _SPAWN.Process(target=worker_main.serve, args=(child, spec), daemon=True,
                                      name=f"lambda-{fn.name}")
        self.process.start()
        child.close()
        self.ready = False

    def _wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(INIT_TIMEOUT):
            raise TimeoutError("init")
        self.conn.recv()
        self.ready = True

    def invoke(self, event: Any, request_id: str) -> tuple[str, Any, dict[str, int], str]:
        """(status, payload, calls, log); status ``timeout`` or ``crash`` means this worker is gone."""
        try:
            self._wait_ready()
            deadline = time.time() + self.fn.timeout
            self.conn.send((request_id, event, deadline))
            if not self.conn.poll(self.fn.timeout):
                self.kill()
                return "timeout", None, {}, ""
            return self.conn.recv()
        except TimeoutError:
            self.kill()
            return "timeout", None, {}, ""
        except (EOFError, OSError, BrokenPipeError):
            self.kill()
            return "crash", None, {}, ""

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=2)
        self.conn.close()


class Pool:
    """Worker processes of one function."""

    def __init__(self, fn: Function, env: dict[str, str], size: int,
                 code: Callable[[], int] = lambda: 0, latency_ms: int = 0) -> None:
        """``code()`` is the source's current version: workers started on an older one are replaced;
        ``latency_ms`` is added to every AWS call the function makes."""
        self.fn, self.env, self.size, self.code, self.latency_ms = fn, env, size, code, latency_ms
        self._idle: list[Worker] = []
        self._count = 0
        self._cond = threading.Condition()

    def _acquire(self) -> Worker:
        stale: list[Worker] = []
        with self._cond:
            while True:
                while self._idle and self._idle[-1].code != self.code():
                    stale.append(self._idle.pop())  # the source changed since it imported the handler
                    self._count -= 1
                if self._idle or self._count < self.size:
                    break
                self._cond.wait()
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                self._count += 1
        for old in stale:
            old.kill()
        return worker or Worker(self.fn, self.env, self.code(), self.latency_ms)

    def _release(self, worker: Worker) -> None:
        with self._cond:
            if worker.alive:
                self._idle.append(worker)
            else:
                self._count -= 1
            self._cond.notify()

    def warm(self) -> None:
        """Start one worker ahead of the first call (used in the background at start-up)."""
        self._release(self._acquire())

    def invoke(self, event: Any, request_id: str | None = None) -> Result:
        request_id = request_id or str(uuid.uuid4())
        worker = self._acquire()
        started = time.time()
        try:
            status, payload, calls, log = worker.invoke(event, request_id)
        finally:
            self._release(worker)
        ms = int((time.time() - started) * 1000)
        if status == "ok":
            return Result(True, payload, request_id, ms, Outcome.SUCCESS, calls, started, log)
        if status == "timeout":
            error = {"errorMessage": f"Task timed out after {self.fn.timeout:.2f} seconds",
                     "errorType": "Sandbox.Timedout"}
            return Result(False, error, request_id, ms, Outcome.TIMEOUT, calls, started, log)
        if status == "crash":
            error = {"errorMessage": "Runtime exited without providing a reason", "errorType": "Runtime.ExitError"}
            return Result(False, error, request_id, ms, Outcome.ERROR, calls, started, log)
        return Result(False, payload, request_id, ms, Outcome.ERROR, calls, started, log)

    def close(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


def worker_env(fn: Function, endpoint: str, invoke_port: int) -> dict[str, str]:
    """The function's own variables plus what a Lambda container has, pointed at the emulator."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ENDPOINT_URL_LAMBDA": f"http://127.0.0.1:{invoke_port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCOUNT_ID": ACCOUNT,
        "AWS_LAMBDA_FUNCTION_NAME": fn.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "POWERTOOLS_METRICS_DISABLED": os.environ.get("POWERTOOLS_METRICS_DISABLED", "true"),
        "POWERTOOLS_TRACE_DISABLED": "true",
        "PYTHONUNBUFFERED": "1",
        **fn.env,
    }
