"""Start the real local stack (``python -m infra.local dev``) on free ports, once per test session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalStack:
    api: str
    invoke: str
    aws: str
    startup_s: float
    log: Path

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.api + path, timeout=30, **kwargs)

    def token(self, username: str, email: str | None = None) -> str:
        resp = requests.post(f"{self.api}/_local/token", timeout=10,
                             json={"username": username, "email": email or f"{username}@example.com"})
        return resp.json()["token"]

    def client(self, service: str) -> Any:
        url = self.invoke if service == "lambda" else self.aws
        return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def wait_idle(self, timeout: float = 20) -> None:
        deadline = time.time() + timeout
        while self.get("/_local/health").json()["pending"] and time.time() < deadline:
            time.sleep(0.05)


def _start(tmp_path_factory: pytest.TempPathFactory, **extra: str) -> Iterator[LocalStack]:
    api_port, invoke_port = _free_port(), _free_port()
    log = tmp_path_factory.mktemp("stack") / "stack.log"
    env = {**os.environ, "LEEDZ_PORT": str(api_port), "LEEDZ_INVOKE_PORT": str(invoke_port),
           "LEEDZ_RETRY_DELAY": "0.05", "LEEDZ_SCHEDULE_SECONDS": "1", **extra}
    started = time.time()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "infra.local", "dev"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{api_port}"
    try:
        health = None
        while time.time() - started < 30 and proc.poll() is None:
            try:
                health = requests.get(f"{api}/_local/health", timeout=1)
                if health.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        assert health is not None and health.status_code == 200, log.read_text()[-3000:]
        yield LocalStack(api, f"http://127.0.0.1:{invoke_port}", health.json()["aws_endpoint"],
                         time.time() - started, log)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The stack running ``infra/template.yaml``."""
    yield from _start(tmp_path_factory)


@pytest.fixture(scope="session")
def sample_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """A stack running ``tests/e2e/sample_template.yaml`` (sample functions, an S3-triggered one)."""
    yield from _start(tmp_path_factory, LEEDZ_TEMPLATE=str(ROOT / "tests/e2e/sample_template.yaml"),
                      LEEDZ_PREWARM="0")


@pytest.fixture(scope="session")
def chaos_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The real template with every async event delivered twice and a third of attempts failing."""
    yield from _start(tmp_path_factory, LEEDZ_DUPLICATE_RATE="1", LEEDZ_FAULT_RATE="0.3", LEEDZ_SEED="3",
                      LEEDZ_PREWARM="0")


@pytest.fixture(scope="session")
def faulty_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The real template as issue 6 asks: 30% of async attempts fail (half before the handler, half after
    it returned), 10% of accepted events are delivered twice."""
    seed = os.environ.get("LEEDZ_CHAOS_SEED", "4")
    yield from _start(tmp_path_factory, LEEDZ_FAULT_RATE="0.3", LEEDZ_DUPLICATE_RATE="0.1", LEEDZ_SEED=seed,
                      LEEDZ_PREWARM="0")
