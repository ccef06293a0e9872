"""bookkeeping_controller: counters and the ledger move once per leed, whatever the retries and correlation ids."""

import json
from pathlib import Path

import pytest

from controllers import bookkeeping_controller
from handlers import get_profile, list_trades
from shared import db
from tests.apigw import call
from tests.integration.controller_helpers import bought, posted, trade_counters, user_counters, withdrawn

EVENTS = Path(__file__).parents[2] / "events" / "bookkeeping_controller"


def run(context, function, leed_id, correlation_id="corr-1"):
    event = {"function": function, "correlation_id": correlation_id, "leed_id": leed_id}
    return bookkeeping_controller.handler(event, context)


def deliver(invocations, context, function):
    """Run every recorded event of ``function`` through the controller, as Lambda would."""
    return [bookkeeping_controller.handler(e, context) for e in invocations.events(function)]


def test_record_post_counts_the_leed_for_its_trade_and_seller(invocations, lambda_context):
    posted(lambda_context)

    [result] = deliver(invocations, lambda_context, "recordPost")

    assert result["applied"] is True
    assert trade_counters() == {"leeds_posted": 1, "leeds_sold": 0, "subscribers": 0}
    assert user_counters("sally")["posted"] == 1
    trades = {t["name"]: t for t in call(list_trades, "GET", "/trades", lambda_context).body["items"]}
    assert trades["dj"]["leeds_posted"] == 1


def test_a_repeated_post_event_counts_once_even_with_a_new_correlation_id(invocations, lambda_context,
                                                                              metrics_emitted):
    leed_id = posted(lambda_context)
    deliver(invocations, lambda_context, "recordPost")
    assert metrics_emitted()["LeedsPosted"] == 1

    again = run(lambda_context, "recordPost", leed_id, correlation_id="a-different-one")
    run(lambda_context, "recordPost", leed_id)

    assert again["applied"] is False
    assert trade_counters()["leeds_posted"] == 1
    assert user_counters("sally")["posted"] == 1
    assert metrics_emitted()["LeedsPosted"] == 0  # the CloudWatch count stays right too


def test_record_sale_moves_every_counter_and_writes_the_ledger(invocations, lambda_context):
    leed_id = posted(lambda_context, price_cents=4_250)
    bought(lambda_context, leed_id)
    deliver(invocations, lambda_context, "recordPost")

    [result] = deliver(invocations, lambda_context, "recordSale")

    assert result["applied"] is True
    assert trade_counters() == {"leeds_posted": 1, "leeds_sold": 1, "subscribers": 0}
    assert user_counters("sally") == {"posted": 1, "sold": 1, "bought": 0, "earned_cents": 4_250, "spent_cents": 0}
    assert user_counters("bob") == {"posted": 0, "sold": 0, "bought": 1, "earned_cents": 0, "spent_cents": 4_250}
    sale = db.get(db.sale_key(leed_id))
    leed = db.get(db.leed_key(leed_id))
    assert {k: sale[k] for k in ("leed_id", "trade", "seller", "buyer", "price_cents", "sold_at")} == {
        "leed_id": leed_id, "trade": "dj", "seller": "sally", "buyer": "bob", "price_cents": 4_250,
        "sold_at": leed["sold_at"]}
    stats = call(get_profile, "GET", "/users/me", lambda_context, user="bob").body["stats"]
    assert stats == {"posted": 0, "sold": 0, "bought": 1, "earned_cents": 0, "spent_cents": 4_250}


def test_a_repeated_sale_event_has_no_second_effect(invocations, lambda_context):
    leed_id = posted(lambda_context, price_cents=4_250)
    bought(lambda_context, leed_id)
    deliver(invocations, lambda_context, "recordSale")

    for correlation_id in ("corr-1", "retry-2", "sweeper-3"):
        assert run(lambda_context, "recordSale", leed_id, correlation_id)["applied"] is False

    assert trade_counters()["leeds_sold"] == 1
    assert user_counters("sally")["earned_cents"] == 4_250
    assert user_counters("bob") == {"posted": 0, "sold": 0, "bought": 1, "earned_cents": 0, "spent_cents": 4_250}


def test_sales_add_up_across_leeds(invocations, lambda_context):
    for days, price in ((10, 1_000), (11, 2_000)):
        leed_id = posted(lambda_context, start_at=None, price_cents=price,
                         location={"address": f"{days} Elm St.", "zip": "10001"})
        bought(lambda_context, leed_id)
    deliver(invocations, lambda_context, "recordSale")

    assert user_counters("sally")["earned_cents"] == 3_000
    assert user_counters("bob")["bought"] == 2
    assert trade_counters()["leeds_sold"] == 2


def test_record_withdrawal_takes_the_post_back(invocations, lambda_context):
    leed_id = posted(lambda_context)
    deliver(invocations, lambda_context, "recordPost")
    withdrawn(lambda_context, leed_id)

    [result] = deliver(invocations, lambda_context, "recordWithdrawal")
    run(lambda_context, "recordWithdrawal", leed_id, correlation_id="again")

    assert result["applied"] is True
    assert trade_counters()["leeds_posted"] == 0
    assert user_counters("sally")["posted"] == 0
    assert db.get(db.trade_stats_key("dj"))["leeds_withdrawn"] == 1
    assert db.get(db.profile_key("sally"))["withdrawn"] == 1


def test_a_withdrawal_recorded_before_its_post_still_adds_up(invocations, lambda_context):
    """Events race (a failed recordPost is retried minutes later); ADDs commute, and nobody sees -1."""
    leed_id = posted(lambda_context)
    withdrawn(lambda_context, leed_id)

    deliver(invocations, lambda_context, "recordWithdrawal")
    assert call(get_profile, "GET", "/users/me", lambda_context, user="sally").body["stats"]["posted"] == 0
    trades = {t["name"]: t for t in call(list_trades, "GET", "/trades", lambda_context).body["items"]}
    assert trades["dj"]["leeds_posted"] == 0  # -1 in the table for a moment, never on show
    deliver(invocations, lambda_context, "recordPost")

    assert trade_counters()["leeds_posted"] == 0
    assert user_counters("sally")["posted"] == 0


def test_a_sale_event_for_a_leed_that_is_not_sold_raises_and_changes_nothing(invocations, lambda_context):
    leed_id = posted(lambda_context)
    with pytest.raises(LookupError):
        run(lambda_context, "recordSale", leed_id)
    assert trade_counters()["leeds_sold"] == 0
    assert db.get(db.sale_key(leed_id)) is None


def test_a_missing_leed_raises_so_lambda_retries(aws, lambda_context):
    with pytest.raises(LookupError):
        run(lambda_context, "recordPost", "0" * 32)
    assert trade_counters() == {"leeds_posted": 0, "leeds_sold": 0, "subscribers": 0}


def test_an_unknown_function_raises(aws, lambda_context):
    with pytest.raises(ValueError, match="recordRefund"):
        run(lambda_context, "recordRefund", "0" * 32)


@pytest.mark.parametrize("function", ["recordPost", "recordSale", "recordWithdrawal"])
def test_console_events_run_against_a_matching_leed(invocations, lambda_context, function):
    event = json.loads((EVENTS / f"{function}.json").read_text())
    assert event["function"] == function and event["correlation_id"]
    leed_id = posted(lambda_context)
    if function == "recordSale":
        bought(lambda_context, leed_id)
    if function == "recordWithdrawal":
        withdrawn(lambda_context, leed_id)
    # the console event names a leed of the real table; here the one we just made
    assert bookkeeping_controller.handler({**event, "leed_id": leed_id}, lambda_context)["applied"] is True


def test_logs_carry_the_events_correlation_id(invocations, lambda_context):
    from shared.observability import logger

    leed_id = posted(lambda_context)
    run(lambda_context, "recordPost", leed_id, correlation_id="req-7f3a")

    assert logger.get_correlation_id() == "req-7f3a"
