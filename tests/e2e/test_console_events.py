"""Every console test event in ``events/`` runs cleanly against a fresh local stack, as a new user would run it
(``python -m infra.local invoke FUNCTION events/...``): the demo data holds the leeds they name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra import cfn
from infra.local.sam.model import functions

ROOT = Path(__file__).resolve().parents[2]
EVENTS = sorted((ROOT / "events").glob("*/*.json"))


def function_of(folder: str) -> str:
    """The template's function whose handler module is ``controllers/<folder>.py``."""
    [name] = [fn.name for fn in functions(cfn.load()).values() if fn.module == f"controllers.{folder}"]
    return name


def test_there_is_an_event_for_every_function_that_takes_one():
    folders = {path.parent.name for path in EVENTS}
    takers = {fn.module.removeprefix("controllers.") for fn in functions(cfn.load()).values()
              if fn.module.startswith("controllers.")}
    assert takers == folders


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_console_event_runs_without_a_function_error(stack, path):
    resp = stack.client("lambda").invoke(FunctionName=function_of(path.parent.name), Payload=path.read_bytes())
    payload = json.loads(resp["Payload"].read() or b"null")
    assert resp["StatusCode"] == 200 and "FunctionError" not in resp, payload


def test_an_event_accepted_at_start_up_runs_once(stack):
    """The demo photo's upload event is accepted while the stack starts; resuming the last run's unfinished
    events must not take it for one of them and run it a second time."""
    assert stack.wait_idle(timeout=60)
    [photo] = [i for i in stack.get_json("/_local/invocations?function=ThumbnailFunction")["items"]
               if "de3a0000000000000000000000000001" in str(i["event"])]
    assert [a["number"] for a in photo["attempts"]] == [1] and photo["status"] == "success"
    runs = stack.get_json("/_local/runs?function=ThumbnailFunction")["items"]
    assert len([r for r in runs if r["request_id"] == photo["request_id"]]) == 1
