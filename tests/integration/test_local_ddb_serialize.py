"""The emulator's DynamoDB serialising shortcut (``infra/local/aws/ddb_serialize.py``) answers what moto's model
walk answers: every attribute type (binary ones included, which keep the walk), nested, in every operation that
returns items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import pytest

from infra.local.aws import ddb_serialize
from shared import db
from tests.conftest import TABLE

ITEMS = [
    {"pk": "A", "sk": "1", "s": "text with \"quotes\" and é", "n": Decimal("12.50"), "t": True, "z": None,
     "m": {"inner": {"deep": [1, "two", {"three": False}]}, "empty": {}}, "l": [], "ss": {"a", "b"},
     "ns": {Decimal(1), Decimal("2.5")}, "gsi1pk": "P", "gsi1sk": "1"},
    {"pk": "A", "sk": "2", "b": b"\x00\xffbinary", "bs": {b"x", b"y"}, "m": {"blob": b"in a map"},
     "l": [b"in a list", "s"], "gsi1pk": "P", "gsi1sk": "2"},
]


def _answers(client: Any) -> list[Any]:
    keys = [db.to_ddb({"pk": i["pk"], "sk": i["sk"]}) for i in ITEMS]
    found = [client.get_item(TableName=TABLE, Key=k)["Item"] for k in keys]
    found.append(client.update_item(TableName=TABLE, Key=keys[1], UpdateExpression="SET c = :c",  # same each time
                                    ExpressionAttributeValues=db.values(c=1), ReturnValues="ALL_NEW")["Attributes"])
    found.append(client.query(TableName=TABLE, KeyConditionExpression="pk = :p",
                              ExpressionAttributeValues=db.values(p="A"))["Items"])
    found.append(client.query(TableName=TABLE, IndexName="gsi1", KeyConditionExpression="gsi1pk = :p",
                              ExpressionAttributeValues=db.values(p="P"), Limit=1))
    found.append(client.scan(TableName=TABLE)["Items"])
    found.append(client.batch_get_item(RequestItems={TABLE: {"Keys": keys}})["Responses"])
    found.append(client.transact_get_items(TransactItems=[{"Get": {"TableName": TABLE, "Key": k}} for k in keys])
                 ["Responses"])
    for answer in found:
        if isinstance(answer, dict):
            answer.pop("ResponseMetadata", None)
    return found


def test_answers_are_moto_s_own(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.core.serialize import BaseJSONSerializer

    client = boto3.client("dynamodb")
    for item in ITEMS:
        client.put_item(TableName=TABLE, Item=db.to_ddb(item))
    current = BaseJSONSerializer._serialize_type_structure
    with monkeypatch.context() as m:  # moto's own walk, even if an earlier test installed the shortcut
        m.setattr(BaseJSONSerializer, "_serialize_type_structure", getattr(current, "__wrapped__", current))
        _answers(client)  # its one write (the same each time) done: both runs below read the same state
        walked = _answers(client)
        ddb_serialize.install()
        assert getattr(BaseJSONSerializer._serialize_type_structure, "_leedz_fast", False)
        fast = _answers(client)
    assert fast == walked
    assert fast[0]["m"] == {"M": {"inner": {"M": {"deep": {"L": [{"N": "1"}, {"S": "two"},
                                                                  {"M": {"three": {"BOOL": False}}}]}}},
                                  "empty": {"M": {}}}}
    assert fast[1]["b"] == {"B": b"\x00\xffbinary"} and fast[2]["m"] == {"M": {"blob": {"B": b"in a map"}}}


def test_plain_values_only_take_the_shortcut():
    assert ddb_serialize._plain({"M": {"a": {"L": [{"S": "x"}, {"NULL": True}]}}})
    assert not ddb_serialize._plain({"M": {"a": {"L": [{"B": "eA=="}]}}})
    assert not ddb_serialize._plain({"BS": ["eA=="]})
    assert not ddb_serialize._plain({"S": "x", "N": "1"})
