"""Read ``infra/template.yaml`` (CloudFormation short-form tags included) and create its data resources.

Tests and the local stack both build DynamoDB tables, queues and buckets from the template itself, so the
code and the template cannot drift. Only what moto needs is interpreted; the rest is left to CloudFormation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).with_name("template.yaml")


class _Loader(yaml.SafeLoader):
    """SafeLoader that turns ``!Ref x`` into ``{"Ref": x}`` and ``!GetAtt a.b`` into ``{"Fn::GetAtt": [a, b]}``."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _tag)


@cache
def load(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open() as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 - our own SafeLoader subclass


def resources(kind: str, template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Logical id -> Properties of every resource of ``kind`` (e.g. ``AWS::DynamoDB::Table``)."""
    template = template or load()
    return {
        name: res.get("Properties", {})
        for name, res in template["Resources"].items()
        if res["Type"] == kind
    }


def table_definition(logical_id: str, table_name: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """``create_table`` arguments for a table of the template."""
    props = resources("AWS::DynamoDB::Table", template)[logical_id]
    keep = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
    return {"TableName": table_name, **{k: props[k] for k in keep if k in props}}


def create_tables(dynamodb: Any, names: dict[str, str], template: dict[str, Any] | None = None) -> None:
    """Create every table of the template with the physical names in ``names`` (logical id -> name)."""
    for logical_id, props in resources("AWS::DynamoDB::Table", template).items():
        name = names[logical_id]
        dynamodb.create_table(**table_definition(logical_id, name, template))
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)


def rewrite_block(begin: str, end: str, block: Callable[[dict[str, Any]], str], path: Path = TEMPLATE) -> bool:
    """Replace the generated block of ``path`` from the ``begin`` line to the ``end`` line with what ``block``
    makes of the template; True if it changed (``python -m infra.alarms``, ``python -m infra.test_events``)."""
    text = path.read_text()
    start, stop = text.index(begin), text.index(end) + len(end)
    new = text[:start] + block(load.__wrapped__(path)) + text[stop:]
    path.write_text(new)
    return new != text
