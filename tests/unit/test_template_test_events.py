"""The console's shareable test events in AWS are the events/ files (issue 19): the template puts each
function's events in the EventBridge Schemas registry the Lambda console reads, as the console names them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from infra import cfn, test_events

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_EVENT_NAME = re.compile(r"^[A-Za-z0-9._-]{1,25}$")  # what the console's Test tab accepts as a name


def _schemas() -> dict[str, dict]:
    """Function logical id -> its test event schema's properties."""
    found = {}
    for props in cfn.resources("AWS::EventSchemas::Schema").values():
        [function] = re.fullmatch(r"_\$\{(\w+)\}-schema", props["SchemaName"]["Fn::Sub"]).groups()
        found[function] = props
    return found


def _files() -> dict[str, dict[str, object]]:
    """Function logical id -> {event name: event} read straight from events/<handler module>/."""
    functions = cfn.resources("AWS::Serverless::Function")
    found = {}
    for folder in (ROOT / "events").iterdir():
        [name] = [n for n, p in functions.items() if p["Handler"] == f"controllers/{folder.name}.handler"]
        found[name] = {path.stem: json.loads(path.read_text()) for path in folder.glob("*.json")}
    return found


def test_the_template_s_test_events_are_the_files_in_events():
    in_template = {function: {name: example["value"] for name, example in
                              json.loads(props["Content"])["components"]["examples"].items()}
                   for function, props in _schemas().items()}
    assert in_template == _files()


def test_they_live_where_the_console_looks_under_the_console_s_names():
    template = cfn.load()
    registry = template["Resources"]["LambdaTestEventRegistry"]
    assert registry["Properties"]["RegistryName"] == "lambda-testevent-schemas"
    assert registry["Condition"] == "CreateTestEventRegistry" and registry["DeletionPolicy"] == "Retain"
    assert template["Parameters"]["TestEventRegistry"]["AllowedValues"] == ["create", "exists"]
    for props in _schemas().values():
        assert props["Type"] == "OpenApi3"
        assert props["RegistryName"] == {"Fn::If": ["CreateTestEventRegistry",
                                                    {"Fn::GetAtt": ["LambdaTestEventRegistry", "RegistryName"]},
                                                    "lambda-testevent-schemas"]}
        content = json.loads(props["Content"])
        assert content["openapi"].startswith("3.") and "components" in content
        assert all(CONSOLE_EVENT_NAME.match(name) for name in content["components"]["examples"])


def test_the_generated_block_is_up_to_date():
    text = cfn.TEMPLATE.read_text()
    generated = text[text.index(test_events.BEGIN): text.index(test_events.END) + len(test_events.END)]
    assert generated == test_events.block(), "run: python -m infra.test_events"
