"""outbox_sweeper: events a request committed but could not fire are fired later, once the entry is stale."""

from datetime import UTC, datetime, timedelta

from controllers import bookkeeping_controller, outbox_sweeper
from tests.integration.controller_helpers import bought, posted, trade_counters, user_counters
from tests.integration.leed_factory import all_items


def scheduled(at: datetime) -> dict:
    """The event an EventBridge schedule rule sends."""
    return {"version": "0", "id": "5c4e1b8e-0d37-4f8a-9c1e-2b6f7a1d9e10", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012", "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/leedz-sweep"],
            "detail": {}}


def outbox_items():
    return [i for i in all_items() if i["pk"].startswith("OUTBOX#")]


def test_a_failed_invoke_is_fired_by_the_sweeper_once_stale_and_then_cleared(invocations, lambda_context):
    invocations.fail = True
    leed_id = posted(lambda_context)
    invocations.fail = False
    assert invocations.calls == []
    [entry] = outbox_items()

    fresh = outbox_sweeper.handler(scheduled(datetime.now(UTC)), lambda_context)
    assert fresh == {"delivered": 0}  # the request may still be releasing it itself
    assert invocations.calls == [] and len(outbox_items()) == 1

    later = outbox_sweeper.handler(scheduled(datetime.now(UTC) + timedelta(minutes=5)), lambda_context)

    assert later == {"delivered": 1}
    assert sorted((e["function"], e["leed_id"]) for e in invocations.events()) == [
        ("notifyUsers", leed_id), ("recordPost", leed_id)]
    assert sorted(invocations.events(), key=str) == sorted(entry["events"], key=str)
    assert outbox_items() == []
    assert outbox_sweeper.handler(scheduled(datetime.now(UTC) + timedelta(minutes=6)), lambda_context) == {
        "delivered": 0}


def test_a_sweep_that_still_cannot_invoke_keeps_the_entry(invocations, lambda_context):
    invocations.fail = True
    posted(lambda_context)

    assert outbox_sweeper.handler(scheduled(datetime.now(UTC) + timedelta(minutes=5)), lambda_context) == {
        "delivered": 0}
    assert len(outbox_items()) == 1


def test_a_release_that_fired_but_could_not_clear_has_no_second_effect(invocations, lambda_context, monkeypatch):
    """The sweeper may re-fire events that were delivered (the clear failed): the controllers count once."""
    leed_id = posted(lambda_context, price_cents=1_500)
    bought(lambda_context, leed_id)
    first = list(invocations.events())
    for event in first:
        if event["function"] in ("recordPost", "recordSale"):
            bookkeeping_controller.handler(event, lambda_context)
    # put the buy's events back as if its DeleteItem had failed, and let the sweeper fire them again
    from shared import db, outbox

    _, entry = outbox.stage([e for e in first if e["function"] == "recordSale"],
                            now=datetime.now(UTC) - timedelta(minutes=5))
    db.transact([entry])
    invocations.calls.clear()

    assert outbox_sweeper.handler({}, lambda_context) == {"delivered": 1}  # a manual invoke sweeps as of now
    [again] = invocations.events("recordSale")
    assert bookkeeping_controller.handler(again, lambda_context)["applied"] is False
    assert trade_counters() == {"leeds_posted": 1, "leeds_sold": 1, "subscribers": 0}
    assert user_counters("bob")["spent_cents"] == 1_500
