"""Per-user quotas (issue 18.1): one account cannot post (and so mail every subscriber), buy or report without
limit. Over the quota: 429 in the contract's error shape with Retry-After, and nothing written or fired."""

from __future__ import annotations

import threading

import pytest

from handlers import buy_leed
from infra import cfn
from shared import quotas
from shared.errors import TooManyRequests
from tests.apigw import call
from tests.integration.leed_factory import post, table_without_profiles


def test_the_posting_quota_answers_429_with_retry_after_and_fires_nothing(invocations, lambda_context,
                                                                         monkeypatch):
    monkeypatch.setenv("QUOTA_POST", "3/3600")
    for n in range(3):
        assert post(lambda_context, location={"address": f"{n} Main St.", "zip": "10001"}).status == 201
    fired = len(invocations.calls)
    leeds_before = [i for i in table_without_profiles() if i["pk"].startswith("LEED#")]

    reply = post(lambda_context, location={"address": "99 Main St.", "zip": "10001"})

    assert reply.status == 429
    assert reply.body["error"] == "too_many_requests" and "3 per hour for posting leeds" in reply.body["message"]
    assert set(reply.body) == {"error", "message"}
    assert 1 <= int(reply.headers["Retry-After"]) <= 3600
    assert len(invocations.calls) == fired  # no fan-out
    assert [i for i in table_without_profiles() if i["pk"].startswith("LEED#")] == leeds_before
    # another user is not affected
    assert post(lambda_context, user="other", location={"address": "99 Main St.", "zip": "10001"}).status == 201


def test_the_buying_quota(invocations, lambda_context, monkeypatch):
    monkeypatch.setenv("QUOTA_BUY", "2/600")
    ids = [post(lambda_context, location={"address": f"{n} Oak St.", "zip": "10001"}).body["id"]
           for n in range(3)]
    for leed_id in ids[:2]:
        assert call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": leed_id},
                    user="bea").status == 200

    reply = call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": ids[2]}, user="bea")

    assert reply.status == 429 and reply.body["error"] == "too_many_requests"
    assert 1 <= int(reply.headers["Retry-After"]) <= 600
    assert call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context,
                path_params={"id": ids[2]}, user="cal").status == 200  # the leed was still for sale


def test_concurrent_spends_never_pass_the_limit_and_the_window_renews(aws, monkeypatch):
    """DynamoDB applies each conditional update atomically; in-process moto does not, so its requests are
    serialised here as the local stack does (infra/local/aws/ddb_lock.py): the check is on our condition."""
    from moto.dynamodb.responses import DynamoHandler

    lock, call_action = threading.Lock(), DynamoHandler.call_action

    def atomic(self):
        with lock:
            return call_action(self)

    monkeypatch.setattr(DynamoHandler, "call_action", atomic)
    monkeypatch.setenv("QUOTA_REPORT", "5/60")
    now = 1_000_040.0  # 20 s into the 60 s window that starts at 1,000,020
    outcomes: list[int | None] = []

    def spend() -> None:
        try:
            quotas.spend("rex", "report", now=now)
            outcomes.append(None)
        except TooManyRequests as exc:
            outcomes.append(exc.retry_after)

    threads = [threading.Thread(target=spend) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count(None) == 5
    assert sorted(set(outcomes) - {None}) == [40]  # seconds to the window's end
    quotas.spend("rex", "report", now=now + 40)  # the next window
    counter = next(i for i in table_without_profiles() if i["sk"] == "QUOTA#report#1000020")
    assert counter["expires_at"] > now + 40  # DynamoDB's TTL removes it after its window


def test_the_code_defaults_are_the_templates():
    params = cfn.load()["Parameters"]
    assert {kind: params[f"{kind.capitalize()}Quota"]["Default"] for kind in quotas.DEFAULTS} == quotas.DEFAULTS
    variables = cfn.load()["Globals"]["Function"]["Environment"]["Variables"]
    assert all(variables[f"QUOTA_{kind.upper()}"] == {"Ref": f"{kind.capitalize()}Quota"} for kind in quotas.DEFAULTS)


@pytest.mark.parametrize("setting, text", [("1/60", "1 per minute"), ("4/7200", "4 per 2 hours")])
def test_the_message_names_the_limit(aws, monkeypatch, setting, text):
    monkeypatch.setenv("QUOTA_POST", setting)
    limit = int(setting.split("/")[0])
    for _ in range(limit):
        quotas.spend("pat", "post")
    with pytest.raises(TooManyRequests) as refused:
        quotas.spend("pat", "post")
    assert text in refused.value.message


def test_a_refused_post_or_buy_counts_nothing(invocations, lambda_context, monkeypatch):
    monkeypatch.setenv("QUOTA_POST", "2/3600")
    monkeypatch.setenv("QUOTA_BUY", "1/3600")
    first = post(lambda_context, location={"address": "1 Elm St.", "zip": "10001"})
    assert post(lambda_context, location={"address": "1 Elm St.", "zip": "10001"}).status == 409  # booking
    assert post(lambda_context, location={"address": "2 Elm St.", "zip": "10001"}).status == 201  # the 2nd of 2
    own = call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": first.body["id"]},
               user="sally")
    assert own.status == 403
    assert [i["n"] for i in table_without_profiles() if i["sk"].startswith("QUOTA#buy#")] == []
