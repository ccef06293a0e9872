"""X-Ray tracing (issue 15): every function's handler is traced, with the correlation id as an annotation, so
one request can be followed into every controller it fired; the tracer is off in tests and the local stack."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from infra import cfn
from infra.local.runtime import workers
from infra.local.sam.model import functions as local_functions
from shared import observability
from shared.observability import logger


class RecordingTracer:
    def __init__(self) -> None:
        self.annotations: dict[str, Any] = {}
        self.captured: list[dict[str, Any]] = []

    def put_annotation(self, key: str, value: Any) -> None:
        self.annotations[key] = value

    def capture_lambda_handler(self, handler: Any, **options: Any) -> Any:
        self.captured.append(options)
        return handler


def test_the_correlation_id_is_an_annotation_and_responses_are_not_recorded(monkeypatch: pytest.MonkeyPatch,
                                                                             lambda_context):
    recording = RecordingTracer()
    monkeypatch.setattr(observability, "tracer", recording)

    @logger.inject_lambda_context(correlation_id_path="correlation_id")
    @observability.traced
    def handler(event: dict[str, Any], context: Any) -> str:
        return "done"

    assert handler({"correlation_id": "req-42"}, lambda_context) == "done"
    assert recording.annotations == {"correlation_id": "req-42"}
    assert recording.captured == [{"capture_response": False}]


def test_every_functions_handler_is_traced():
    """Every function of the app; not the deploy-time custom resource (``infra/web_deploy.py``), which runs once
    per deploy and ships without ``shared/``."""
    for name, props in cfn.resources("AWS::Serverless::Function").items():
        module, _, attr = props["Handler"].rpartition(".")
        if module.startswith("infra/"):
            continue
        handler = getattr(importlib.import_module(module.replace("/", ".")), attr)
        assert getattr(handler, "traced", False) is True, name


def test_the_tracer_is_off_in_tests_and_in_the_local_stack():
    assert observability.tracer is None  # not even created: it would import the X-Ray SDK for nothing
    function = next(iter(local_functions().values()))
    assert workers.worker_env(function, "http://127.0.0.1:5000", 3001)["POWERTOOLS_TRACE_DISABLED"] == "true"
