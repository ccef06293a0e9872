"""Start ``python -m infra.local dev`` as a child process on free ports, or attach to a running stack.

For scripts that drive a whole stack over HTTP (``bench/``): the same command ``make dev`` runs, so they measure
what a developer runs, in its own process (its CPU and GIL are not the caller's). Ports are picked free so a
developer's ``make dev`` on 3000/3001 is left alone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Running:
    """A running stack: its API URL, the emulator's AWS endpoint, the child's log (None if attached), its
    Lambda Invoke endpoint (None if attached) and the seconds it took to become healthy (0 if attached)."""

    api: str
    aws: str
    log: Path | None
    http: requests.Session
    invoke: str | None = None
    startup_s: float = 0.0
    web: str | None = None  # the web app's origin (None if attached)
    pid: int | None = None  # the stack's process (None if attached)

    def get(self, path: str, timeout: float = 30, **kwargs: Any) -> requests.Response:
        """The response as it is (tests check the status themselves)."""
        return self.http.get(self.api + path, timeout=timeout, **kwargs)

    def get_json(self, path: str, timeout: float = 60, **kwargs: Any) -> Any:
        resp = self.get(path, timeout=timeout, **kwargs)
        resp.raise_for_status()
        return resp.json()

    def token(self, username: str, email: str | None = None) -> str:
        resp = self.http.post(f"{self.api}/_local/token", timeout=10,
                              json={"username": username, "email": email or f"{username}@example.com"})
        resp.raise_for_status()
        return resp.json()["token"]

    def client(self, service: str) -> Any:
        """A boto3 client for the emulator (DynamoDB, S3, SES, SQS), or for the stack's Lambda Invoke API."""
        url = self.invoke if service == "lambda" else self.aws
        return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106

    def pending(self) -> int:
        return int(self.get_json("/_local/health")["pending"])

    def wait_idle(self, timeout: float = 20, poll: float = 0.05) -> bool:
        """Until no async invocation is pending; False if ``timeout`` seconds pass first."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() > deadline:
                return False
            time.sleep(poll)
        return True


def _wait_healthy(api: str, proc: subprocess.Popen[bytes] | None) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            resp = requests.get(f"{api}/_local/health", timeout=2)
            if resp.status_code == 200:
                return resp.json()
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or busy importing on a loaded machine
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the local stack at {api} did not become healthy")


# Workloads (the e2e suite, bench/) post and buy more in a minute than one user's hourly quota allows
# (shared/quotas.py, tested in tests/integration/test_quotas.py): their stacks raise the quotas with this.
GENEROUS_QUOTAS = "PostQuota=10000/3600,BuyQuota=10000/3600,ReportQuota=10000/3600"


@contextmanager
def local_stack(url: str | None = None, log: Path | None = None, **env: str) -> Iterator[Running]:
    """Attach to ``url`` if given (``env`` is then ignored: that stack has its own), else start one with
    ``env`` added to this process's environment, its output in ``log`` (a temporary file if None), and stop
    it (Ctrl-C, as a developer would) on exit."""
    http = requests.Session()
    if url:
        health = _wait_healthy(url.rstrip("/"), None)
        yield Running(url.rstrip("/"), health["aws_endpoint"], None, http)
        return
    api_port, invoke_port, web_port = free_port(), free_port(), free_port()
    log = log or Path(tempfile.mkstemp(prefix="leedz-stack-", suffix=".log")[1])
    # Its own state, fresh, unless ``env`` names a state directory (a restart test passes the same one twice).
    state_dir = env.get("LEEDZ_STATE_DIR") or tempfile.mkdtemp(prefix="leedz-state-")
    child_env = {**os.environ, "LEEDZ_PORT": str(api_port), "LEEDZ_INVOKE_PORT": str(invoke_port),
                 "LEEDZ_WEB_PORT": str(web_port), **env, "LEEDZ_STATE_DIR": state_dir}
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "infra.local", "dev"], cwd=ROOT, env=child_env,
                                stdout=out, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{api_port}"
    try:
        try:
            health = _wait_healthy(api, proc)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}; its log: {log}\n{log.read_text()[-3000:]}") from exc
        yield Running(api, health["aws_endpoint"], log, http, invoke=f"http://127.0.0.1:{invoke_port}",
                      startup_s=time.monotonic() - started, web=f"http://127.0.0.1:{web_port}", pid=proc.pid)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
