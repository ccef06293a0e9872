"""The Lambda service: each function's worker pool, synchronous and asynchronous invocation, destinations,
and redrive of failure records. Imports neither moto nor HTTP; AWS destinations are reached through boto3."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

from infra.local.logs import correlation, log
from infra.local.runtime.asyncq import AsyncInvoker, Chaos
from infra.local.runtime.workers import Pool, Result, worker_env
from infra.local.sam.model import ACCOUNT, Destination, Function
from infra.local.state.history import History


class LambdaService:
    def __init__(self, functions: dict[str, Function], history: History, sqs: Any, endpoint: str,
                 invoke_port: int, concurrency: int, chaos: Chaos, code: Callable[[], int],
                 latency_ms: int = 0) -> None:
        """``sqs``: a boto3 client for SQS destinations; ``code()``: the source's version (reload);
        ``latency_ms``: added to each AWS call a function makes."""
        self.functions, self._history, self._sqs, self._endpoint = functions, history, sqs, endpoint
        # ReservedConcurrentExecutions caps a function's instances; the async queue holds events beyond it.
        self.pools = {name: Pool(fn, worker_env(fn, endpoint, invoke_port),
                                 concurrency if fn.reserved is None else max(1, min(concurrency, fn.reserved)),
                                 code, latency_ms)
                      for name, fn in functions.items()}
        self.asyncq = AsyncInvoker(functions, self.invoke, self.deliver, history, chaos)

    def warm(self) -> list[threading.Thread]:
        """One worker per function started in the background, ahead of its first call."""
        threads = [threading.Thread(target=pool.warm, daemon=True) for pool in self.pools.values()]
        for thread in threads:
            thread.start()
        return threads

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()

    def invoke(self, name: str, event: Any, request_id: str | None = None) -> Result:
        """Synchronous invocation of ``name`` (a logical id): recorded, logged like Lambda's REPORT line."""
        result = self.pools[name].invoke(event, request_id or str(uuid.uuid4()))
        self._history.ran(name, result.request_id, correlation(event), result.started, result.duration_ms,
                          result.outcome.value, result.error, result.calls)
        log(name, type="REPORT", request_id=result.request_id, outcome=result.outcome.value,
            duration_ms=result.duration_ms, correlation_id=correlation(event),
            **({} if result.ok else {"error": result.payload.get("errorType")}))
        return result

    def submit(self, name: str, payload: Any, source: str = "Event") -> str:
        return self.asyncq.submit(name, payload, source)

    @property
    def pending(self) -> int:
        return self.asyncq.pending

    def _queue_url(self, name: str) -> str:
        return f"{self._endpoint}/{ACCOUNT}/{name}"

    def deliver(self, dest: Destination, record: dict[str, Any]) -> None:
        """Send a destination record: to an SQS queue, or to another function asynchronously."""
        if dest.kind == "SQS":
            self._sqs.send_message(QueueUrl=self._queue_url(dest.name), MessageBody=json.dumps(record))
        elif dest.kind == "Lambda":
            self.submit(dest.name, record)
        else:
            log("local", warning=f"destination type {dest.kind} is not emulated", record=record)

    def restore(self, unfinished: list[dict[str, Any]]) -> tuple[int, int]:
        """After a restart: the failure queues hold the open failure records again, and the deliveries the last
        run left ``unfinished`` (read before this run accepted any) carry on. (records requeued, resumed)"""
        requeued = 0
        for destination, record in self._history.open_failures():
            if destination and destination.startswith("arn:aws:sqs:"):
                self._sqs.send_message(QueueUrl=self._queue_url(destination.rsplit(":", 1)[-1]),
                                       MessageBody=json.dumps(record))
                requeued += 1
        return requeued, self.asyncq.resume(unfinished)

    def redrive(self, request_ids: set[str] | None = None) -> int:
        """Re-send failure records' payloads (all, or those of ``request_ids``) to their functions; their
        messages leave the failure queues."""
        taken = self._history.take_failures(request_ids)
        for function, payload in taken:
            if function in self.functions:
                self.submit(function, payload)
        self._drain_failure_queues(request_ids)
        return len(taken)

    def purge(self) -> int:
        """Forget every failure record and empty the failure queues."""
        taken = self._history.take_failures(purge=True)
        self._drain_failure_queues(None)
        return len(taken)

    def _drain_failure_queues(self, request_ids: set[str] | None) -> None:
        queues = {fn.on_failure.name for fn in self.functions.values()
                  if fn.on_failure is not None and fn.on_failure.kind == "SQS"}
        for queue in queues:
            url, kept = self._queue_url(queue), []
            while True:
                messages = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                     VisibilityTimeout=30).get("Messages", [])
                if not messages:
                    break
                for message in messages:
                    request = json.loads(message["Body"]).get("requestContext", {}).get("requestId")
                    if request_ids is None or request in request_ids:
                        self._sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                    else:
                        kept.append(message["ReceiptHandle"])
            for handle in kept:  # visible again at once: others' records stay in the queue
                self._sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
