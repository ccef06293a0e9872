"""The local stack: moto in-process, the template's resources, one worker pool per function, async delivery,
schedules and S3 notifications. ``gateway`` and ``invoke_api`` are its two HTTP faces."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import boto3

from infra import cfn
from infra.local import ddb_lock, emails, reload, resources, s3post, transactions
from infra.local.asyncq import AsyncInvoker, Settings
from infra.local.logs import correlation, log
from infra.local.stats import Stats
from infra.local.template import (
    ACCOUNT,
    GATEWAY_DEFAULTS,
    REGION,
    Destination,
    Function,
    Resolver,
    cors_preflight,
    functions,
    gateway_answer,
)
from infra.local.workers import Pool, Result, worker_env

ROOT = Path(__file__).resolve().parents[2]
_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}


def schedule_seconds(expression: str) -> float:
    """Seconds between runs of ``rate(...)``; ``LEEDZ_SCHEDULE_SECONDS`` overrides (and stands in for cron)."""
    override = os.environ.get("LEEDZ_SCHEDULE_SECONDS")
    if override:
        return float(override)
    match = _RATE.fullmatch(expression.strip())
    return int(match.group(1)) * _UNIT[match.group(2).rstrip("s")] if match else 60.0


class Stack:
    def __init__(self, api_port: int, invoke_port: int, concurrency: int = 4) -> None:
        self.api_port, self.invoke_port, self.concurrency = api_port, invoke_port, concurrency
        self.stats = Stats()
        self.failed: list[dict[str, Any]] = []
        self._failed_lock = threading.Lock()
        self._stop = threading.Event()
        self.ready = False
        self.started = time.time()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106
                          AWS_DEFAULT_REGION=REGION)
        for var in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL")]:
            os.environ.pop(var)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        ddb_lock.install()  # moto's DynamoDB is not thread-safe; our workers call it concurrently
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        emails.install()
        s3post.install()
        transactions.install()
        template = cfn.load(Path(os.environ.get("LEEDZ_TEMPLATE") or cfn.TEMPLATE))
        self._override_parameters(template)
        self.resolver = Resolver(template, self.endpoint)
        self.functions: dict[str, Function] = functions(template, self.endpoint)
        self.gateway_answers = {kind: gateway_answer(self.resolver, kind) for kind in GATEWAY_DEFAULTS}
        self.cors_preflight = cors_preflight(self.resolver)
        self.clients = {s: boto3.client(s, endpoint_url=self.endpoint, region_name=REGION)
                        for s in ("dynamodb", "sqs", "s3", "ses")}
        resources.create(self.clients, self.resolver, self.functions)
        self.code = reload.CodeVersion(ROOT) if os.environ.get("LEEDZ_RELOAD", "1") != "0" else None
        version = self.code.current if self.code else (lambda: 0)
        self.pools = {name: Pool(fn, worker_env(fn, self.endpoint, self.invoke_port), self.concurrency, version)
                      for name, fn in self.functions.items()}
        settings = Settings(
            retry_delay=float(os.environ.get("LEEDZ_RETRY_DELAY", "1")),
            fault_rate=float(os.environ.get("LEEDZ_FAULT_RATE", "0")),
            duplicate_rate=float(os.environ.get("LEEDZ_DUPLICATE_RATE", "0")),
            seed=int(os.environ["LEEDZ_SEED"]) if os.environ.get("LEEDZ_SEED") else None,
        )
        self.asyncq = AsyncInvoker(self.functions, self.invoke, self.deliver, self.stats, settings)
        self._hook_s3()
        self._background()
        self.ready = True

    def _override_parameters(self, template: dict[str, Any]) -> None:
        """Template parameters as ``sam deploy --parameter-overrides`` would set them: PublicBaseUrl is this
        API (so links in emails work locally), AllowedOrigin the web app's (LEEDZ_WEB_PORT), and
        ``LEEDZ_PARAMETERS="Name=value,..."`` sets any other."""
        params = template.get("Parameters") or {}
        overrides = {"PublicBaseUrl": f"http://127.0.0.1:{self.api_port}"} if "PublicBaseUrl" in params else {}
        if "AllowedOrigin" in params:  # the web app's origin (infra/local/http/webapp.py)
            overrides["AllowedOrigin"] = f"http://127.0.0.1:{os.environ.get('LEEDZ_WEB_PORT', '3002')}"
        for pair in filter(None, os.environ.get("LEEDZ_PARAMETERS", "").split(",")):
            name, _, value = pair.partition("=")
            overrides[name.strip()] = value.strip()
        for name, value in overrides.items():
            if name not in params:
                raise SystemExit(f"LEEDZ_PARAMETERS: the template has no parameter {name!r}")
            params[name] = {**params[name], "Default": value}

    def _background(self) -> None:
        threads = [threading.Thread(target=self._schedule, args=(fn, expr), daemon=True)
                   for fn in self.functions.values() for expr in fn.schedules]
        if os.environ.get("LEEDZ_PREWARM", "1") != "0":
            threads += [threading.Thread(target=pool.warm, daemon=True) for pool in self.pools.values()]
        for thread in threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for pool in self.pools.values() if hasattr(self, "pools") else ():
            pool.close()
        if hasattr(self, "moto"):
            self.moto.stop()

    # ------------------------------------------------------------------ invocations
    def invoke(self, name: str, event: Any, request_id: str | None = None) -> Result:
        """Synchronous invocation of ``name`` (a logical id): counted, logged like Lambda's REPORT line."""
        result = self.pools[name].invoke(event, request_id or str(uuid.uuid4()))
        self.stats.invocation(name, result.outcome, result.duration_ms)
        self.stats.aws_calls(result.calls, name)
        log(name, type="REPORT", request_id=result.request_id, outcome=result.outcome,
            duration_ms=result.duration_ms, correlation_id=correlation(event),
            **({} if result.ok else {"error": result.payload.get("errorType")}))
        return result

    def deliver(self, dest: Destination, record: dict[str, Any]) -> None:
        """Send a destination record: SQS queue, or another function asynchronously."""
        if record["requestContext"]["condition"] != "Success":
            with self._failed_lock:
                self.failed.append(record)
        if dest.kind == "SQS":
            name = dest.target.rsplit(":", 1)[-1]
            url = f"{self.endpoint}/{ACCOUNT}/{name}"
            self.clients["sqs"].send_message(QueueUrl=url, MessageBody=json.dumps(record))
        elif dest.kind == "Lambda":
            self.asyncq.submit(dest.target.rsplit(":", 1)[-1], record)
        else:
            log("local", warning=f"destination type {dest.kind} is not emulated", record=record)

    def redrive(self) -> int:
        """Re-send every failure record's payload to its function; the records leave the queues."""
        sent = 0
        queues = {d.target.rsplit(":", 1)[-1] for fn in self.functions.values() for d in [fn.on_failure]
                  if d is not None and d.kind == "SQS"}
        for queue in queues:
            url = f"{self.endpoint}/{ACCOUNT}/{queue}"
            while True:
                messages = self.clients["sqs"].receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                               VisibilityTimeout=30).get("Messages", [])
                if not messages:
                    break
                for message in messages:
                    record = json.loads(message["Body"])
                    function = record["requestContext"]["functionArn"].split(":function:")[1].split(":")[0]
                    if function in self.functions:
                        self.asyncq.submit(function, record["requestPayload"])
                        sent += 1
                    self.clients["sqs"].delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        with self._failed_lock:
            self.failed.clear()
        return sent

    # ------------------------------------------------------------------ event sources
    def _schedule(self, fn: Function, expression: str) -> None:
        interval = schedule_seconds(expression)
        while not self._stop.wait(interval):
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.asyncq.submit(fn.name, {
                "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                "source": "aws.events", "account": ACCOUNT, "time": now, "region": REGION,
                "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{fn.name}-schedule"], "detail": {},
            })

    def _hook_s3(self) -> None:
        """Deliver S3 notifications the moment moto emits them (so ``pending`` counts them as soon as the
        upload returns): moto sends them to our per-function queue; we take that call over."""
        from moto.s3 import notifications

        original = notifications._send_sqs_message
        prefix = resources.s3_queue("")

        def send(account_id: str, event_body: Any, queue_name: str, region_name: str) -> None:
            function = queue_name.removeprefix(prefix)
            if not queue_name.startswith(prefix) or function not in self.functions:
                original(account_id, event_body, queue_name, region_name)
                return
            for record in event_body.get("Records", []):
                _complete_s3_record(record)
            self.asyncq.submit(function, event_body)

        notifications._send_sqs_message = send


def _complete_s3_record(record: dict[str, Any]) -> None:
    """Fields AWS puts in every S3 event record that moto leaves out."""
    record.setdefault("userIdentity", {"principalId": "AWS:LOCAL"})
    record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
    record.setdefault("responseElements", {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                                           "x-amz-id-2": uuid.uuid4().hex})
    obj = record["s3"].setdefault("object", {})
    obj.setdefault("sequencer", f"{time.time_ns():X}")
    obj["key"] = quote_plus(unquote_plus(obj.get("key", "")), safe="/")  # AWS keeps "/"; moto encodes it
    record["s3"]["bucket"].setdefault("ownerIdentity", {"principalId": "LOCAL"})
