from handlers import list_trades
from shared import db
from tests.apigw import call


def test_lists_the_catalogue_with_counters(aws, lambda_context):
    db.put({**db.trade_stats_key("dj"), "leeds_posted": 3, "leeds_sold": 1, "subscribers": 7})

    reply = call(list_trades, "GET", "/trades", lambda_context)

    assert reply.status == 200
    by_name = {t["name"]: t for t in reply.body["items"]}
    assert {"caricatures", "dj", "photography", "face-painting", "magician", "balloon-art", "bartending",
            "live-music"} <= set(by_name)
    assert by_name["dj"] == {"name": "dj", "label": "DJ", "leeds_posted": 3, "leeds_sold": 1, "subscribers": 7}
    assert by_name["magician"]["leeds_posted"] == 0


def test_unknown_route_is_a_contract_404(aws, lambda_context):
    reply = call(list_trades, "GET", "/nope", lambda_context)
    assert reply.status == 404
    assert reply.body["error"] == "not_found"


def test_oversized_body_is_413_before_anything_runs(aws, lambda_context):
    reply = call(list_trades, "GET", "/trades", lambda_context, raw_body="x" * (64 * 1024 + 1))
    assert reply.status == 413
    assert reply.body["error"] == "too_large"
