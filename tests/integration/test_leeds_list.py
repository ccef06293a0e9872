"""GET /leeds?trade=: order, filters, exact pages with a cursor, and refusals that are never a 500."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from handlers import buy_leed, list_leeds
from shared import clients, db
from tests.apigw import call
from tests.integration.leed_factory import future, post


def listing(context, **query):
    return call(list_leeds, "GET", "/leeds", context, query={"trade": "dj", **{k: str(v) for k, v in query.items()}})


def post_on(context, days, *, hour=18, offset=-5, n=0, zip_code="10001", trade="dj"):
    reply = post(context, trade=trade, start_at=future(days=days, hour=hour, offset_hours=offset),
                 location={"address": f"{n} Main St", "zip": zip_code})
    assert reply.status == 201, reply.body
    return reply.body


def test_lists_for_sale_leeds_of_the_trade_by_start_in_the_public_view(invocations, lambda_context):
    late = post_on(lambda_context, 12, n=1)
    early_la = post_on(lambda_context, 11, hour=20, offset=-8, n=2)  # 04:00 UTC on day 12: before `late`
    earliest = post_on(lambda_context, 11, hour=9, n=3)
    post_on(lambda_context, 11, trade="magician", n=4)
    sold = post_on(lambda_context, 13, n=5)
    call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": sold["id"]}, user="bob")

    reply = listing(lambda_context)

    assert reply.status == 200
    assert [i["id"] for i in reply.body["items"]] == [earliest["id"], early_la["id"], late["id"]]
    assert reply.body["next"] is None
    assert all("details" not in i and "location" not in i and "buyer" not in i for i in reply.body["items"])


def test_pages_hold_exactly_limit_items_and_the_cursor_walks_them_all(invocations, lambda_context):
    ids = [post_on(lambda_context, 10 + n, n=n)["id"] for n in range(7)]

    seen, cursor, sizes = [], None, []
    while True:
        reply = listing(lambda_context, limit=3, **({"cursor": cursor} if cursor else {}))
        assert reply.status == 200
        sizes.append(len(reply.body["items"]))
        seen += [i["id"] for i in reply.body["items"]]
        cursor = reply.body["next"]
        if not cursor:
            break

    assert seen == ids
    assert sizes == [3, 3, 1]


def test_a_full_last_page_has_no_next(invocations, lambda_context):
    for n in range(4):
        post_on(lambda_context, 10 + n, n=n)
    first = listing(lambda_context, limit=2)
    second = listing(lambda_context, limit=2, cursor=first.body["next"])
    assert len(second.body["items"]) == 2
    assert second.body["next"] is None


def test_zip_filter_still_fills_the_page(invocations, lambda_context):
    wanted = []
    for n in range(12):
        zip_code = "10001-0001" if n % 4 == 0 else "20002"
        body = post_on(lambda_context, 10 + n, n=n, zip_code=zip_code)
        if n % 4 == 0:
            wanted.append(body["id"])

    first = listing(lambda_context, zip="10001", limit=2)
    rest = listing(lambda_context, zip="10001", limit=2, cursor=first.body["next"])

    assert [i["id"] for i in first.body["items"]] == wanted[:2]
    assert [i["id"] for i in rest.body["items"]] == wanted[2:]
    assert rest.body["next"] is None


def _at(context, day, hour, offset, n, minute=0):
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone(timedelta(hours=offset)))
    reply = post(context, start_at=start, location={"address": f"{n} Main St", "zip": "10001"})
    assert reply.status == 201, reply.body
    return reply.body["id"]


def test_from_and_to_select_on_the_local_date_of_start(invocations, lambda_context):
    day = future(days=20).date()
    before = _at(lambda_context, day - timedelta(days=1), 23, -5, 1)
    late_on_day = _at(lambda_context, day, 23, -5, 2, minute=30)  # already the next day in UTC: still `day` locally
    next_day_tokyo = _at(lambda_context, day + timedelta(days=1), 8, 9, 3)  # the previous day in UTC
    after = _at(lambda_context, day + timedelta(days=3), 18, -5, 4)

    reply = listing(lambda_context, **{"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()})

    assert reply.status == 200
    assert [i["id"] for i in reply.body["items"]] == [next_day_tokyo, late_on_day]  # by instant
    only_from = listing(lambda_context, **{"from": (day + timedelta(days=2)).isoformat()})
    assert [i["id"] for i in only_from.body["items"]] == [after]
    only_to = listing(lambda_context, to=(day - timedelta(days=1)).isoformat())
    assert [i["id"] for i in only_to.body["items"]] == [before]


def _cursor(key):
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


@pytest.mark.parametrize("query", [
    {"trade": "plumbing"},
    {"limit": "0"},
    {"limit": "101"},
    {"limit": "ten"},
    {"from": "2030-02-30"},
    {"from": "20300101"},
    {"to": "tomorrow"},
    {"from": "2030-01-02", "to": "2030-01-01"},
    {"zip": "1234"},
    {"cursor": "!!!not-base64!!!"},
    {"cursor": _cursor(["a"])},
    {"cursor": _cursor({"pk": "LEED#1", "sk": "LEED", "gsi1pk": "FORSALE#magician", "gsi1sk": "x"})},
    {"cursor": _cursor({"pk": 1, "sk": "LEED", "gsi1pk": "FORSALE#dj", "gsi1sk": "x"})},
])
def test_bad_queries_are_422(invocations, lambda_context, query):
    reply = call(list_leeds, "GET", "/leeds", lambda_context, query={"trade": "dj", **query})
    assert reply.status == 422, reply.body
    assert reply.body["error"] == "validation_error"


def test_trade_is_required(invocations, lambda_context):
    reply = call(list_leeds, "GET", "/leeds", lambda_context)
    assert reply.status == 422


def test_a_cursor_behind_the_window_restarts_instead_of_failing(invocations, lambda_context):
    leed = post_on(lambda_context, 10)
    old_id = "0" * 32
    stale = _cursor({"pk": f"LEED#{old_id}", "sk": "LEED", "gsi1pk": "FORSALE#dj",
                     "gsi1sk": f"2000-01-01T00:00:00.000000Z#{old_id}"})
    reply = listing(lambda_context, cursor=stale)
    assert reply.status == 200
    assert [i["id"] for i in reply.body["items"]] == [leed["id"]]


@pytest.mark.parametrize("key", [
    {"gsi1sk": "2030-01-01T00:00:00.000000Z#" + "a" * 1100},  # fits a cursor, not a DynamoDB sort key
    {"pk": "LEED#" + "b" * 32},  # not the leed its sort key names
    {"sk": "PROFILE"},
])
def test_a_cursor_we_did_not_issue_is_422(invocations, lambda_context, key):
    leed_id = "a" * 32
    issued = {"pk": f"LEED#{leed_id}", "sk": "LEED", "gsi1pk": "FORSALE#dj",
              "gsi1sk": f"2030-01-01T00:00:00.000000Z#{leed_id}"}
    assert listing(lambda_context, cursor=_cursor(issued)).status == 200
    reply = listing(lambda_context, cursor=_cursor({**issued, **key}))
    assert reply.status == 422 and reply.body["details"][0]["field"] == "cursor"


@pytest.fixture
def dynamodb_between_rule(monkeypatch):
    """DynamoDB refuses ``BETWEEN :lo AND :hi`` with lo > hi (a ValidationException, so a 500); moto does not."""
    client = clients.dynamodb()
    real = client.query

    def query(**kwargs):
        values = kwargs.get("ExpressionAttributeValues", {})
        if "BETWEEN :lo AND :hi" in kwargs.get("KeyConditionExpression", "") and \
                values[":lo"]["S"] > values[":hi"]["S"]:
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "Invalid KeyConditionExpression:"
                               " The BETWEEN operator requires upper bound to be greater than or equal to lower "
                               "bound"}}, "Query")
        return real(**kwargs)

    monkeypatch.setattr(client, "query", query)


@pytest.mark.parametrize("query", [{"to": "2020-01-01"}, {"from": "2020-01-01", "to": "2020-01-02"},
                                   {"to": (datetime.now(UTC) - timedelta(days=3)).date().isoformat()}])
def test_a_window_that_ended_in_the_past_is_empty(invocations, lambda_context, dynamodb_between_rule, query):
    post_on(lambda_context, 10)
    reply = listing(lambda_context, **query)
    assert (reply.status, reply.body) == (200, {"items": [], "next": None})


@pytest.mark.parametrize("query", [{"from": "0001-01-01"}, {"to": "9999-12-31"},
                                   {"from": "0001-01-01", "to": "9999-12-31"}])
def test_dates_at_the_ends_of_the_calendar_are_answered(invocations, lambda_context, query):
    leed = post_on(lambda_context, 10)
    reply = listing(lambda_context, **query)
    assert reply.status == 200, reply.body
    assert [i["id"] for i in reply.body["items"]] == [leed["id"]]


def _seed_for_sale(count: int) -> None:
    """``count`` dj leeds for sale in 10001, written straight to the table (posting them is not the point)."""
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    requests = []
    for n in range(count):
        leed_id, start = uuid.uuid4().hex, base + timedelta(minutes=n)
        requests.append({"PutRequest": {"Item": db.to_ddb({
            **db.leed_key(leed_id), "id": leed_id, "trade": "dj", "title": f"Gig {n}",
            "start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat(), "zip": "10001",
            "price_cents": 100, "seller": "sally", "status": "for_sale", "created_at": base.isoformat(),
            "gsi1pk": "FORSALE#dj", "gsi1sk": f"{start:%Y-%m-%dT%H:%M:%S.%fZ}#{leed_id}"})}})
    for i in range(0, count, 25):
        clients.dynamodb().batch_write_item(RequestItems={db.table(): requests[i:i + 25]})


def test_a_filter_matching_nothing_reads_a_bounded_number_of_items_per_request(invocations, lambda_context,
                                                                              monkeypatch):
    """Issue 18.6: an anonymous request cannot make the table read thousands of items for an empty page."""
    _seed_for_sale(450)
    client = clients.dynamodb()
    real, read = client.query, []

    def counted(**kwargs):
        answer = real(**kwargs)
        read[-1] += answer["ScannedCount"]
        return answer

    monkeypatch.setattr(client, "query", counted)
    cursor, pages = None, 0
    while True:
        read.append(0)
        reply = listing(lambda_context, zip="99999", **({"cursor": cursor} if cursor else {}))
        assert reply.status == 200 and reply.body["items"] == []
        pages += 1
        cursor = reply.body["next"]
        if cursor is None:
            break
    assert max(read) <= 200 and sum(read) >= 450  # every item still reached, a bounded number per request
    assert pages == 3
