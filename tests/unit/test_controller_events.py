"""The async contract in one place: ``dispatch.CONTROLLER_OF`` names exactly the functions the controllers'
``match`` arms handle, and every console test event under ``events/`` is a valid event for its controller."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from shared import dispatch

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
# The ``match`` dispatchers (``controllers/{name}_controller.py``), by the short name ``CONTROLLER_OF`` uses.
DISPATCHERS = {path.stem.removesuffix("_controller"): path for path in (ROOT / "controllers").glob("*_controller.py")}


def _case_arms(path: Path) -> set[str]:
    """The string patterns of every ``case`` in the module's ``match event["function"]``."""
    arms: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Match):
            for case in node.cases:
                if isinstance(case.pattern, ast.MatchValue) and isinstance(case.pattern.value, ast.Constant):
                    arms.add(case.pattern.value.value)
    return arms


def test_controller_of_matches_the_controllers_case_arms():
    handled = {(controller, fn) for controller, path in DISPATCHERS.items() for fn in _case_arms(path)}
    assert handled == {(controller, fn) for fn, controller in dispatch.CONTROLLER_OF.items()}


def test_every_controller_has_events():
    assert {p.name.removesuffix("_controller") for p in EVENTS.iterdir() if p.name.endswith("_controller")} \
        == set(DISPATCHERS)


CONSOLE_EVENTS = sorted(p for name in DISPATCHERS for p in (EVENTS / f"{name}_controller").glob("*.json"))


@pytest.mark.parametrize("path", CONSOLE_EVENTS,
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_console_event_is_a_valid_event_for_its_controller(path):
    event = dispatch.ControllerEvent.model_validate(json.loads(path.read_text()))
    assert dispatch.CONTROLLER_OF[event.function] + "_controller" == path.parent.name
    assert path.stem == event.function


def test_every_function_has_a_console_event():
    files = {(p.parent.name, p.stem) for p in EVENTS.glob("*_controller/*.json")}
    assert {(f"{c}_controller", fn) for fn, c in dispatch.CONTROLLER_OF.items()} <= files


@pytest.mark.parametrize("event", [
    {"function": "sendNewsletter", "correlation_id": "c", "leed_id": "0" * 32},
    {"function": "recordPost", "correlation_id": "", "leed_id": "0" * 32},
    {"function": "recordPost", "correlation_id": "c", "leed_id": "not-a-leed-id"},
    {"function": "recordPost", "correlation_id": "c"},
    {"correlation_id": "c", "leed_id": "0" * 32},
])
def test_an_invalid_event_is_refused(event):
    with pytest.raises(ValueError):
        dispatch.ControllerEvent.model_validate(event)


def test_building_an_event_for_an_unknown_function_fails_loudly():
    with pytest.raises(dispatch.UnknownFunction, match="sendNewsletter"):
        dispatch.event("sendNewsletter", "c", leed_id="0" * 32)
    assert dispatch.event("recordPost", "c", leed_id="0" * 32) == {
        "function": "recordPost", "correlation_id": "c", "leed_id": "0" * 32}
