"""DELETE /users/me: 202, the old token refused; the account controller erases everything the contract lists,
keeps sold leeds for the other party, and finishes an interrupted run on retry; a last email confirms it."""

import boto3
import pytest

from controllers import account_controller, email_controller
from handlers import add_attachment, delete_account, get_leed, get_profile, list_my_leeds, subscribe
from shared import bookkeeping, db, erasure, notifications, subscriptions
from tests.apigw import call
from tests.integration import aws_calls as aws_calls_module
from tests.integration.controller_helpers import bought, posted, trade_counters, withdrawn
from tests.integration.leed_factory import all_items, leed_item


@pytest.fixture
def world(invocations, env, lambda_context, monkeypatch, aws_calls):
    """sally: a leed for sale with a photo, one sold to bob, one withdrawn, a subscription, a notification;
    her Cognito user in the pool."""
    s3 = boto3.client("s3")
    for name in (env["UPLOAD_BUCKET"], env["OUTPUT_BUCKET"]):
        s3.create_bucket(Bucket=name)
    pool = boto3.client("cognito-idp").create_user_pool(PoolName="leedz")["UserPool"]["Id"]
    boto3.client("cognito-idp").admin_create_user(UserPoolId=pool, Username="sally")
    monkeypatch.setenv("USER_POOL_ID", pool)
    aws_calls.names["UserPool"] = pool  # moto names the pool: the IAM rehearsal resolves the role's ARN by it
    aws_calls.roles = aws_calls_module._roles(tuple(sorted(aws_calls.names.items())))
    for_sale = posted(lambda_context, location={"address": "1 Main St", "zip": "10001"})
    sold = posted(lambda_context, location={"address": "2 Main St", "zip": "10001"})
    gone = posted(lambda_context, location={"address": "3 Main St", "zip": "10001"})
    bought(lambda_context, sold)
    withdrawn(lambda_context, gone)
    notifications.leed_sold(sold)
    bookkeeping.record_sale(sold)
    assert call(subscribe, "PUT", "/users/me/subscriptions/{trade}", lambda_context, path_params={"trade": "dj"},
                user="sally").status == 204
    upload = call(add_attachment, "POST", "/leeds/{id}/attachments", lambda_context, path_params={"id": for_sale},
                  user="sally", body={"filename": "a.jpg", "content_type": "image/jpeg"}).body
    s3_key = f"leeds/{for_sale}/{upload['key']}"
    s3.put_object(Bucket=env["UPLOAD_BUCKET"], Key=s3_key, Body=b"jpeg")
    s3.put_object(Bucket=env["OUTPUT_BUCKET"], Key=s3_key, Body=b"thumb")
    return {"for_sale": for_sale, "sold": sold, "gone": gone, "s3_key": s3_key, "pool": pool}


def erase(invocations, context):
    for event in invocations.events("eraseAccount"):
        account_controller.handler(event, context)


def sally_items():
    """Every item that names sally, but the erasure record (its key; its address until the last email) and the
    profile's tombstone."""
    return [i for i in all_items() if "sally" in str(i) and i["pk"] not in ("ERASURE#sally", "USER#sally")
            and not i["pk"].startswith(("ONCE#", "OUTBOX#", "DONE#"))]


def test_erasure_removes_the_account_and_keeps_the_other_partys_sale(world, invocations, inbox, lambda_context, env):
    subscribers_before = trade_counters()["subscribers"]

    reply = call(delete_account, "DELETE", "/users/me", lambda_context, user="sally")

    assert reply.status == 202
    assert call(get_profile, "GET", "/users/me", lambda_context, user="sally").status == 401
    erase(invocations, lambda_context)

    assert leed_item(world["for_sale"])["status"] == "withdrawn"
    assert db.get(db.booking_key(leed_item(world["for_sale"])["slot"])) is None  # its slot freed
    s3 = boto3.client("s3")
    for bucket in (env["UPLOAD_BUCKET"], env["OUTPUT_BUCKET"]):
        assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    assert not [i for i in all_items() if i["sk"].startswith("ATT#")]
    assert subscriptions.trades_of("sally") == []
    assert trade_counters()["subscribers"] == subscribers_before - 1
    assert [i["sk"] for i in all_items() if i["pk"] == "USER#sally"] == ["PROFILE"]
    assert set(db.get(db.profile_key("sally"))) == {"pk", "sk", "erased_at"}
    with pytest.raises(boto3.client("cognito-idp").exceptions.UserNotFoundException):
        boto3.client("cognito-idp").admin_get_user(UserPoolId=world["pool"], Username="sally")
    # bob still sees his purchase, its seller now "a deleted user"
    view = call(get_leed, "GET", "/leeds/{id}", lambda_context, path_params={"id": world["sold"]}, user="bob").body
    assert view["seller"] == erasure.DELETED_USER and view["buyer"] == "bob" and view["status"] == "sold"
    mine = call(list_my_leeds, "GET", "/users/me/leeds", lambda_context, user="bob", query={"role": "buyer"}).body
    assert [i["id"] for i in mine["items"]] == [world["sold"]]
    assert sally_items() == []  # nothing else names her
    # the last email, once, then the address is forgotten
    for event in invocations.events("confirmErasure") * 2:
        email_controller.handler(event, lambda_context)
    assert [m["subject"] for m in inbox() if m["to"] == ["sally@example.com"]][-1:] == [
        "Your leedz account is deleted"]
    assert len([m for m in inbox() if m["subject"] == "Your leedz account is deleted"]) == 1
    assert "email" not in db.get(erasure.erasure_key("sally"))


def test_an_erasure_run_twice_leaves_the_same_state(world, invocations, lambda_context):
    call(delete_account, "DELETE", "/users/me", lambda_context, user="sally")
    erase(invocations, lambda_context)
    after_one = all_items()

    erase(invocations, lambda_context)
    assert call(delete_account, "DELETE", "/users/me", lambda_context, user="sally").status == 401

    assert all_items() == after_one


def test_an_interrupted_erasure_finishes_on_retry(world, invocations, lambda_context, monkeypatch):
    call(delete_account, "DELETE", "/users/me", lambda_context, user="sally")
    unsubscribe = subscriptions.unsubscribe

    def crash(*args, **kwargs):
        raise ConnectionError("the function timed out here")

    monkeypatch.setattr(subscriptions, "unsubscribe", crash)
    with pytest.raises(ConnectionError):
        erase(invocations, lambda_context)
    assert leed_item(world["for_sale"])["status"] == "withdrawn"  # halfway: the leeds done, the partition not
    monkeypatch.setattr(subscriptions, "unsubscribe", unsubscribe)

    erase(invocations, lambda_context)  # Lambda's retry

    assert sally_items() == []
    assert [i["sk"] for i in all_items() if i["pk"] == "USER#sally"] == ["PROFILE"]
    assert db.get(erasure.erasure_key("sally"))["done_at"]
    assert len(invocations.events("confirmErasure")) == 1


def test_an_erasure_request_whose_invoke_failed_is_fired_by_the_sweeper(invocations, lambda_context):
    from datetime import UTC, datetime, timedelta

    from controllers import outbox_sweeper

    invocations.fail = True
    assert call(delete_account, "DELETE", "/users/me", lambda_context, user="sally").status == 202
    invocations.fail = False
    assert invocations.events("eraseAccount") == []

    schedule = {"time": (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert outbox_sweeper.handler(schedule, lambda_context) == {"delivered": 1}

    [event] = invocations.events("eraseAccount")
    assert event["username"] == "sally"
    assert [c["FunctionName"] for c in invocations.calls] == ["AccountController"]
