"""The local stack's DynamoDB transactions (``infra/local/transactions.py``): moto's semantics, an item-level backup.

A cancelled transaction must leave every item as it was (those it had already applied included) and nothing
else touched; a successful one applies all; moto's other deep copies of a table stay real copies.
"""

from __future__ import annotations

import copy

import boto3
import pytest
from moto.dynamodb.models import dynamodb_backends

from infra.local.aws import transactions
from shared import db
from tests.conftest import TABLE


@pytest.fixture
def ddb(aws: None) -> object:
    transactions.install()
    return boto3.client("dynamodb")


def _item(client: object, pk: str) -> dict | None:
    return db.from_ddb(client.get_item(TableName=TABLE, Key=db.to_ddb({"pk": pk, "sk": "X"})).get("Item"))


def _put(client: object, pk: str, **attrs: object) -> None:
    client.put_item(TableName=TABLE, Item=db.to_ddb({"pk": pk, "sk": "X", **attrs}))


def test_cancelled_transaction_undoes_what_it_applied_and_nothing_else(ddb):
    _put(ddb, "updated", v=1)
    _put(ddb, "deleted", v=1)
    _put(ddb, "bystander", v=7)
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": TABLE, "Key": db.to_ddb({"pk": "updated", "sk": "X"}),
                        "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": db.values(v=2)}},
            {"Put": {"TableName": TABLE, "Item": db.to_ddb({"pk": "created", "sk": "X", "v": 1})}},
            {"Delete": {"TableName": TABLE, "Key": db.to_ddb({"pk": "deleted", "sk": "X"})}},
            {"ConditionCheck": {"TableName": TABLE, "Key": db.to_ddb({"pk": "missing", "sk": "X"}),
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert _item(ddb, "updated") == {"pk": "updated", "sk": "X", "v": 1}
    assert _item(ddb, "created") is None
    assert _item(ddb, "deleted") == {"pk": "deleted", "sk": "X", "v": 1}
    assert _item(ddb, "bystander") == {"pk": "bystander", "sk": "X", "v": 7}


def test_successful_transaction_applies_every_item(ddb):
    _put(ddb, "a", v=1)
    ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": TABLE, "Key": db.to_ddb({"pk": "a", "sk": "X"}),
                    "UpdateExpression": "SET v = :v", "ConditionExpression": "v = :old",
                    "ExpressionAttributeValues": db.values(v=2, old=1)}},
        {"Put": {"TableName": TABLE, "Item": db.to_ddb({"pk": "b", "sk": "X", "v": 3})}},
    ])
    assert _item(ddb, "a")["v"] == 2
    assert _item(ddb, "b")["v"] == 3


def test_a_deep_copy_of_a_table_outside_a_transaction_is_still_a_copy(ddb):
    _put(ddb, "a", v=1)
    table = dynamodb_backends["123456789012"]["us-east-1"].tables[TABLE]
    clone = copy.deepcopy(table)
    assert clone is not table
    assert clone.items is not table.items
    assert len(clone.all_items()) == len(table.all_items()) == 1
