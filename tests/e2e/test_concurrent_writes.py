"""Concurrent conflicting DynamoDB transactions over HTTP: no committed write is ever lost.

moto's ``transact_write_items`` snapshots every table it touches and, when the transaction is cancelled, puts
the snapshot back: without the stack serialising DynamoDB requests, a losing buyer's cancelled transaction
could undo a post or a sale that another worker committed meanwhile. Here many buyers race for the same leeds
while other leeds are posted, and every write that was answered as committed must be there afterwards.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
import requests
from botocore.config import Config

LEEDS = 6
BUYERS_PER_LEED = 4
POSTS = 12
ROUNDS = 2
THREADS = 4
PER_THREAD = 50


def leed_body(trade: str, days: int) -> dict:
    start = (datetime.now(UTC) + timedelta(days=days)).replace(hour=18, minute=0, second=0, microsecond=0)
    return {"trade": trade, "title": "Race", "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
            "location": {"address": f"{uuid.uuid4().hex[:8]} Race Street", "zip": "90210"},
            "price_cents": 100, "details": ""}


def _round(stack, seller: dict[str, str], buyers: dict[str, dict[str, str]]) -> None:
    targets = []
    for i in range(LEEDS):
        resp = requests.post(f"{stack.api}/leeds", json=leed_body("magician", days=60 + i), headers=seller,
                             timeout=30)
        assert resp.status_code == 201, resp.text
        targets.append(resp.json()["id"])

    def buy(job: tuple[str, str]) -> tuple[str, str, int]:
        leed_id, user = job
        resp = requests.post(f"{stack.api}/leeds/{leed_id}/buy", headers=buyers[user], timeout=30)
        return leed_id, user, resp.status_code

    def post(i: int) -> requests.Response:
        return requests.post(f"{stack.api}/leeds", json=leed_body("balloon-art", days=80 + i), headers=seller,
                             timeout=30)

    jobs = [(leed_id, user) for leed_id in targets for user in buyers]
    with ThreadPoolExecutor(len(jobs) + POSTS) as pool:
        posting = [pool.submit(post, i) for i in range(POSTS)]
        bought = list(pool.map(buy, jobs))
        posted = [f.result() for f in posting]

    assert {r.status_code for r in posted} == {201}, [r.text for r in posted if r.status_code != 201]
    for resp in posted:  # every committed post is still there
        got = requests.get(f"{stack.api}/leeds/{resp.json()['id']}", headers=seller, timeout=30)
        assert got.status_code == 200 and got.json()["status"] == "for_sale", got.text
    for leed_id in targets:  # exactly one winner per leed, and the sale it was told about is what is stored
        codes = sorted(code for lid, _, code in bought if lid == leed_id)
        assert codes == [200] + [409] * (BUYERS_PER_LEED - 1), codes
        [winner] = [user for lid, user, code in bought if lid == leed_id and code == 200]
        got = requests.get(f"{stack.api}/leeds/{leed_id}", headers=seller, timeout=30).json()
        assert (got["status"], got["buyer"]) == ("sold", winner), got


def test_cancelled_transactions_never_undo_concurrent_writes(stack):
    """The DynamoDB API itself, over HTTP: transactions that touch a counter and are then cancelled race plain
    increments of that counter and puts of new items; every increment and put that succeeded must remain.
    No retries, so a 500 from the emulator fails the test instead of being retried away."""
    ddb = boto3.client("dynamodb", endpoint_url=stack.aws, region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}))
    table = ddb.list_tables()["TableNames"][0]
    run = uuid.uuid4().hex[:8]
    counter = {"pk": {"S": f"RACE#{run}"}, "sk": {"S": "COUNTER"}}
    ddb.put_item(TableName=table, Item={**counter, "n": {"N": "0"}})

    def lose(worker: int) -> int:
        cancelled = 0
        for _ in range(PER_THREAD):
            try:
                ddb.transact_write_items(TransactItems=[
                    {"Update": {"TableName": table, "Key": counter, "UpdateExpression": "SET touched = :w",
                                "ExpressionAttributeValues": {":w": {"N": str(worker)}}}},
                    {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": f"RACE#{run}"}, "sk": {"S": "NONE"}},
                                        "ConditionExpression": "attribute_exists(pk)"}},
                ])
            except ddb.exceptions.TransactionCanceledException:
                cancelled += 1
        return cancelled

    def write(worker: int) -> list[str]:
        keys = [f"w{worker}-{i}" for i in range(PER_THREAD)]
        for key in keys:
            ddb.update_item(TableName=table, Key=counter, UpdateExpression="ADD n :one",
                            ExpressionAttributeValues={":one": {"N": "1"}})
            ddb.put_item(TableName=table, Item={"pk": {"S": f"RACE#{run}"}, "sk": {"S": key}})
        return keys

    with ThreadPoolExecutor(2 * THREADS) as pool:
        losing = [pool.submit(lose, w) for w in range(THREADS)]
        writing = [pool.submit(write, w) for w in range(THREADS)]
        cancelled = sum(f.result() for f in losing)
        kept = [key for f in writing for key in f.result()]

    assert cancelled == THREADS * PER_THREAD
    items = ddb.query(TableName=table, KeyConditionExpression="pk = :pk",
                      ExpressionAttributeValues={":pk": {"S": f"RACE#{run}"}})["Items"]
    stored = {item["sk"]["S"]: item for item in items}
    assert int(stored["COUNTER"]["n"]["N"]) == len(kept), "committed increments were undone"
    assert sorted(set(stored) - {"COUNTER"}) == sorted(kept), "committed puts were undone"


def test_concurrent_conflicting_transactions_lose_no_committed_write(stack):
    def auth(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {stack.token(user)}"}

    seller = auth("racer-seller")
    buyers = {f"racer{i}": auth(f"racer{i}") for i in range(BUYERS_PER_LEED)}
    for _ in range(ROUNDS):
        _round(stack, seller, buyers)
