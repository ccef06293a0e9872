"""POST /leeds/{id}/buy: one winner, the right refusals, events via the outbox."""

import threading

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models import DynamoDBBackend

from handlers import buy_leed
from shared import clients, db, users
from tests.apigw import call
from tests.integration.leed_factory import SELLER, leed_item, post, table_without_profiles


def buy(context, leed_id, user="bob"):
    return call(buy_leed, "POST", "/leeds/{id}/buy", context, path_params={"id": leed_id}, user=user)


def test_buying_sells_the_leed_and_fires_the_sale_events(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    invocations.calls.clear()

    reply = buy(lambda_context, leed_id)

    assert reply.status == 200
    assert reply.body["status"] == "sold"
    assert reply.body["buyer"] == "bob"
    assert reply.body["details"].startswith("Call Pat")  # the buyer gets the full view
    item = leed_item(leed_id)
    assert item["status"] == "sold" and item["buyer"] == "bob" and item["sold_at"]
    assert "gsi1pk" not in item and "gsi1sk" not in item  # gone from the for-sale index
    assert sorted((e["function"], e["leed_id"]) for e in invocations.events()) == [  # fired at once: any order
        ("leedSold", leed_id), ("recordSale", leed_id), ("sendSaleReceipts", leed_id)]
    assert not [i for i in table_without_profiles() if i["pk"].startswith("OUTBOX#")]


def test_a_failed_invoke_still_sells_and_keeps_the_outbox_entry(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    invocations.fail = True

    assert buy(lambda_context, leed_id).status == 200

    [entry] = [i for i in table_without_profiles() if i["pk"].startswith("OUTBOX#")]
    assert [e["function"] for e in entry["events"]] == ["sendSaleReceipts", "recordSale", "leedSold"]


def test_buying_your_own_leed_is_403_and_changes_nothing(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    before = table_without_profiles()

    reply = buy(lambda_context, leed_id, user=SELLER)

    assert reply.status == 403
    assert reply.body["error"] == "forbidden"
    assert table_without_profiles() == before


def test_a_sold_leed_is_409_and_keeps_its_first_buyer(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    assert buy(lambda_context, leed_id).status == 200
    before = table_without_profiles()
    invocations.calls.clear()

    reply = buy(lambda_context, leed_id, user="carol")

    assert reply.status == 409
    assert reply.body["error"] == "conflict"
    assert table_without_profiles() == before
    assert invocations.calls == []


def test_the_winner_s_retry_is_200_with_the_same_view_and_no_second_sale(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    first = buy(lambda_context, leed_id)
    assert first.status == 200
    before = table_without_profiles()
    invocations.calls.clear()

    retry = buy(lambda_context, leed_id)

    assert retry.status == 200
    assert retry.body == first.body
    assert table_without_profiles() == before  # no second outbox entry, sale or counter
    assert invocations.calls == []  # no second receipt, bookkeeping or notification
    assert buy(lambda_context, leed_id, user="carol").status == 409
    assert buy(lambda_context, leed_id, user=SELLER).status == 403


def test_unknown_leed_is_404(invocations, lambda_context):
    reply = buy(lambda_context, "0" * 32)
    assert reply.status == 404
    assert reply.body["error"] == "not_found"


def test_without_identity_it_is_401(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    reply = call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": leed_id})
    assert reply.status == 401
    assert leed_item(leed_id)["status"] == "for_sale"


@pytest.fixture
def atomic_moto(monkeypatch):
    """moto snapshots the whole table before a transaction and restores it when one fails, so two threads
    can undo each other's committed writes; DynamoDB itself serialises conflicting transactions. The lock
    gives moto that atomicity; everything else (the reads, the checks) still runs interleaved."""
    lock = threading.Lock()
    original = DynamoDBBackend.transact_write_items

    def locked(self, *args, **kwargs):
        with lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", locked)


def test_exactly_one_of_many_concurrent_buyers_wins(invocations, lambda_context, atomic_moto):
    leed_id = post(lambda_context).body["id"]
    invocations.calls.clear()
    buyers = [f"buyer{n}" for n in range(8)]
    for user in buyers:  # profiles first: a profile write racing a failed transaction would be lost in moto
        users.ensure_profile(user, f"{user}@example.com")
    gate = threading.Barrier(len(buyers))
    statuses: dict[str, int] = {}

    def attempt(user: str) -> None:
        gate.wait()
        statuses[user] = buy(lambda_context, leed_id, user=user).status

    threads = [threading.Thread(target=attempt, args=(u,)) for u in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(statuses.values()) == [200] + [409] * (len(buyers) - 1)
    [winner] = [u for u, s in statuses.items() if s == 200]
    assert leed_item(leed_id)["buyer"] == winner
    assert len(invocations.events("recordSale")) == 1


def _cancelled_by_conflict(request) -> ClientError:
    """What DynamoDB raises when another transaction holds one of the items: nothing was written."""
    return ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                        "CancellationReasons": [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (
                            len(request) - 1)}, "TransactWriteItems")


@pytest.fixture
def conflicting(monkeypatch):
    """Make the next ``n`` transactions collide with another one; ``meanwhile`` runs at the first collision
    (the other transaction's effect). Returns a setter."""
    client = clients.dynamodb()
    real = client.transact_write_items
    state = {"left": 0, "meanwhile": None}

    def transact_write_items(**kwargs):
        if state["left"]:
            state["left"] -= 1
            if state["meanwhile"]:
                state.pop("meanwhile")()
            raise _cancelled_by_conflict(kwargs["TransactItems"])
        return real(**kwargs)

    monkeypatch.setattr(client, "transact_write_items", transact_write_items)
    monkeypatch.setattr(db, "BACKOFF_SECONDS", 0.001)

    def collide(n, meanwhile=None):
        state.update(left=n, meanwhile=meanwhile)
    return collide


def test_a_transaction_conflict_is_retried_and_the_buy_goes_through(invocations, lambda_context, conflicting):
    leed_id = post(lambda_context).body["id"]
    conflicting(2)
    reply = buy(lambda_context, leed_id)
    assert reply.status == 200 and reply.body["buyer"] == "bob"


def test_losing_a_conflict_to_another_buyer_is_409_not_500(invocations, lambda_context, conflicting):
    leed_id = post(lambda_context).body["id"]
    conflicting(1, meanwhile=lambda: buy(lambda_context, leed_id, user="carol"))
    reply = buy(lambda_context, leed_id)
    assert reply.status == 409 and reply.body["error"] == "conflict", reply.body
    assert leed_item(leed_id)["buyer"] == "carol"


def test_a_conflict_that_does_not_clear_is_409_try_again(invocations, lambda_context, conflicting):
    leed_id = post(lambda_context).body["id"]
    conflicting(db.TRANSACT_ATTEMPTS)
    reply = buy(lambda_context, leed_id)
    assert reply.status == 409 and "try again" in reply.body["message"]
    assert leed_item(leed_id)["status"] == "for_sale"
