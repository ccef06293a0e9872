"""The emulator's windowed Query (``infra/local/aws/query_index.py``) answers exactly what unpatched moto answers.

Random writes of every kind (put, update in place, delete, batch, transactions applied and cancelled, from
several threads at once) go into the template's table and a second table of other shapes; after them every
query shape the code uses, and more (both directions, limits, paging to the end, filters, projections, range
conditions), is asked twice: windowed, and with the window off (moto walking the whole table), and each page
must be the same. Then the cost: a page no longer grows with the table.
"""

from __future__ import annotations

import random
import threading
from typing import Any

import boto3
import pytest

from infra.local.aws import ddb_lock, query_index, transactions
from shared import db
from tests.conftest import TABLE

OTHER = "other-shapes"
TRADES = ["dj", "caricatures", "photography"]


@pytest.fixture
def ddb(aws: None) -> Any:
    transactions.install()
    ddb_lock.install()
    query_index.install()
    client = boto3.client("dynamodb")
    client.create_table(
        TableName=OTHER, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in [("id", "S"), ("k", "N")]],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "byk", "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["n"]}}])
    return client


def _main_key(rng: random.Random) -> dict[str, str]:
    return {"pk": f"USER#{rng.randrange(40)}", "sk": f"SUB#{rng.choice(TRADES)}"}


def _main_item(rng: random.Random) -> dict[str, Any]:
    item: dict[str, Any] = {**_main_key(rng), "n": rng.randrange(5), "name": rng.choice(["Al", "Bo", "Cy"])}
    if rng.random() < 0.85:  # sparse: some items are on no index partition
        item["gsi1pk"] = f"SUBS#{rng.choice(TRADES)}"
        if rng.random() < 0.9:
            item["gsi1sk"] = f"{rng.randrange(30):03d}"
    return item


def _write(client: Any, rng: random.Random) -> None:
    """One random write; conditions that fail are part of the workload (moto refuses, nothing changes)."""
    kind = rng.choice(["put", "put", "update", "update", "delete", "batch", "transact", "other"])
    try:
        if kind == "put":
            client.put_item(TableName=TABLE, Item=db.to_ddb(_main_item(rng)))
        elif kind == "update":
            expr, values = rng.choice([
                ("SET gsi1pk = :v", {"v": f"SUBS#{rng.choice(TRADES)}"}), ("SET gsi1sk = :v", {"v": "015"}),
                ("REMOVE gsi1pk", {}), ("REMOVE gsi1sk", {}), ("ADD n :v", {"v": 1}),
                ("SET gsi1pk = :p, gsi1sk = :v", {"p": "SUBS#dj", "v": f"{rng.randrange(30):03d}"})])
            client.update_item(TableName=TABLE, Key=db.to_ddb(_main_key(rng)), UpdateExpression=expr,
                               **({"ExpressionAttributeValues": db.values(**values)} if values else {}))
        elif kind == "delete":
            client.delete_item(TableName=TABLE, Key=db.to_ddb(_main_key(rng)))
        elif kind == "batch":
            client.batch_write_item(RequestItems={TABLE: [
                {"PutRequest": {"Item": db.to_ddb(_main_item(rng))}} if rng.random() < 0.7 else
                {"DeleteRequest": {"Key": db.to_ddb(_main_key(rng))}} for _ in range(rng.randrange(1, 6))]})
        elif kind == "transact":
            keys = {tuple(_main_key(rng).values()) for _ in range(3)}
            ops = [{"Update": {"TableName": TABLE, "Key": db.to_ddb({"pk": pk, "sk": sk}),
                               "UpdateExpression": "SET gsi1pk = :p, gsi1sk = :s",
                               "ExpressionAttributeValues": db.values(p=f"SUBS#{rng.choice(TRADES)}", s="007")}}
                   for pk, sk in keys]
            ops.append({"Put": {"TableName": TABLE, "Item": db.to_ddb({**_main_item(rng), "pk": "TX"}),
                                # fails about half the time: the whole transaction is cancelled and undone
                                "ConditionExpression": "attribute_not_exists(pk)" if rng.random() < 0.5 else
                                "attribute_exists(pk)"}})
            client.transact_write_items(TransactItems=ops)
        else:
            client.put_item(TableName=OTHER, Item=db.to_ddb({"id": str(rng.randrange(30)), "k": rng.randrange(3),
                                                             "n": 1, "m": 2}))
    except (client.exceptions.ConditionalCheckFailedException, client.exceptions.TransactionCanceledException):
        pass


def _queries() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for trade in [*TRADES, "nobody"]:
        base = {"TableName": TABLE, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
                "ExpressionAttributeValues": db.values(pk=f"SUBS#{trade}")}
        found += [{**base, "Limit": 7}, {**base, "Limit": 50}, base, {**base, "Limit": 4, "ScanIndexForward": False},
                  {**base, "Limit": 5, "FilterExpression": "n > :n",
                   "ExpressionAttributeValues": db.values(pk=f"SUBS#{trade}", n=1)},
                  {**base, "Limit": 6, "ProjectionExpression": "pk, #n", "ExpressionAttributeNames": {"#n": "name"}},
                  {**base, "Limit": 3, "KeyConditionExpression": "gsi1pk = :pk AND gsi1sk BETWEEN :a AND :b",
                   "ExpressionAttributeValues": db.values(pk=f"SUBS#{trade}", a="005", b="020")},
                  {**base, "Limit": 3, "ScanIndexForward": False,
                   "KeyConditionExpression": "gsi1pk = :pk AND begins_with(gsi1sk, :a)",
                   "ExpressionAttributeValues": db.values(pk=f"SUBS#{trade}", a="01")}]
    for user in [1, 2, 39]:
        found.append({"TableName": TABLE, "KeyConditionExpression": "pk = :pk", "Limit": 2,
                      "ExpressionAttributeValues": db.values(pk=f"USER#{user}")})
    for k in range(4):
        found.append({"TableName": OTHER, "IndexName": "byk", "Limit": 4, "KeyConditionExpression": "k = :k",
                      "ExpressionAttributeValues": db.values(k=k)})
    return found


def _pages(client: Any, query: dict[str, Any]) -> list[dict[str, Any]]:
    pages, start = [], None
    while True:
        resp = client.query(**query, **({"ExclusiveStartKey": start} if start else {}))
        resp.pop("ResponseMetadata")
        pages.append(resp)
        start = resp.get("LastEvaluatedKey")
        if not start or len(pages) > 200:
            return pages


def _assert_same_as_moto(client: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    windowed = [_pages(client, q) for q in _queries()]
    with monkeypatch.context() as m:
        m.setattr(query_index, "_window_for", lambda *_a, **_k: None)  # moto's own walk of the whole table
        unpatched = [_pages(client, q) for q in _queries()]
    for query, mine, moto in zip(_queries(), windowed, unpatched, strict=True):
        assert mine == moto, query
    return sum(len(p["Items"]) for pages in windowed for p in pages)


def test_answers_match_moto_after_random_writes_of_every_kind(ddb, monkeypatch):
    rng = random.Random(7)
    seen = 0
    for _round in range(6):
        for _ in range(60):
            _write(ddb, rng)
        seen += _assert_same_as_moto(ddb, monkeypatch)
    assert seen > 500  # the queries did find items: the comparison was not of empty pages


def test_answers_match_moto_after_concurrent_writers_and_readers(ddb, monkeypatch):
    def writer(seed: int) -> None:
        client, rng = boto3.client("dynamodb"), random.Random(seed)
        for _ in range(80):
            _write(client, rng)

    def reader() -> None:
        client = boto3.client("dynamodb")
        for query in _queries()[:16]:
            _pages(client, query)  # fills and uses the cache while the writers drop parts of it

    threads = [threading.Thread(target=writer, args=(s,)) for s in range(4)] + \
        [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _assert_same_as_moto(ddb, monkeypatch) > 100


def test_a_page_of_an_index_costs_the_page_not_the_table(ddb, monkeypatch):
    """Counted, not timed (a timing ratio fails on a busy machine): the items moto's Query walks for a page,
    with 200 items in the table and with 20,000 more in it."""
    from moto.dynamodb.models.table import Table

    walked: list[int] = []
    all_items = Table.all_items

    def counted(self: Any) -> Any:
        items = list(all_items(self))
        walked.append(len(items))
        return items

    monkeypatch.setattr(Table, "all_items", counted)

    def items_walked() -> int:
        query = {"TableName": TABLE, "IndexName": "gsi1", "Limit": 50, "KeyConditionExpression": "gsi1pk = :pk",
                 "ExpressionAttributeValues": db.values(pk="SUBS#dj")}
        first = ddb.query(**query)
        walked.clear()
        ddb.query(**query, ExclusiveStartKey=first["LastEvaluatedKey"])
        return sum(walked)

    def add_noise(count: int) -> None:  # straight into moto's table: 800 BatchWriteItem calls would take ~15 s
        from moto.dynamodb.models import dynamodb_backends

        table = dynamodb_backends["123456789012"]["us-east-1"].tables[TABLE]
        for i in range(count):
            table.put_item(db.to_ddb({"pk": f"NOISE#{i}", "sk": "PROFILE", "gsi1pk": "NOISE", "gsi1sk": f"{i:06d}"}))

    for i in range(200):
        ddb.put_item(TableName=TABLE, Item=db.to_ddb({"pk": f"U#{i}", "sk": "SUB#dj", "gsi1pk": "SUBS#dj",
                                                      "gsi1sk": f"{i:06d}"}))
    small = items_walked()
    add_noise(20_000)
    large = items_walked()
    assert 0 < small <= 60 and large == small, (small, large)  # unpatched moto walks the whole table: 20,200
