"""Create the template's data resources in the emulator, verify the sender, wire S3 notifications, seed demo data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from infra import cfn
from infra.local.template import Function, Resolver

# Demo users: alice sells, bob and carol subscribe (so a post by alice reaches them by email).
DEMO_USERS = {
    "alice": ("Alice Seller", ["caricatures"]),
    "bob": ("Bob Buyer", ["dj", "photography"]),
    "carol": ("Carol Crowd", ["dj", "caricatures"]),
}
DEMO_DOMAIN = "example.com"


def s3_queue(function: str) -> str:
    """Internal queue that receives the S3 notifications meant for ``function``."""
    return f"leedz-local-s3-{function}"


def create(clients: dict[str, Any], resolver: Resolver, functions: dict[str, Function]) -> None:
    template = resolver.template
    tables = {logical: resolver.physical(logical) for logical in cfn.resources("AWS::DynamoDB::Table", template)}
    cfn.create_tables(clients["dynamodb"], tables, template)
    for logical, props in cfn.resources("AWS::SQS::Queue", template).items():
        attributes = {"FifoQueue": "true"} if props.get("FifoQueue") else {}
        clients["sqs"].create_queue(QueueName=resolver.physical(logical), Attributes=attributes)
    for logical in cfn.resources("AWS::S3::Bucket", template):
        clients["s3"].create_bucket(Bucket=resolver.physical(logical))
    sender = resolver.params.get("SenderEmail")
    if sender:
        clients["ses"].verify_email_identity(EmailAddress=sender)
    for user in DEMO_USERS:
        clients["ses"].verify_email_identity(EmailAddress=f"{user}@{DEMO_DOMAIN}")
    _s3_notifications(clients, functions)
    if tables:
        seed(clients["dynamodb"], next(iter(tables.values())))


def _s3_notifications(clients: dict[str, Any], functions: dict[str, Function]) -> None:
    """S3 -> internal SQS queue per function (moto delivers those in-process); a poller turns them into
    async invocations. Filters keep SAM's shape (``S3Key.Rules``) mapped to S3's (``Key.FilterRules``)."""
    per_bucket: dict[str, list[dict[str, Any]]] = {}
    for fn in functions.values():
        if not fn.s3_events:
            continue
        url = clients["sqs"].create_queue(QueueName=s3_queue(fn.name))["QueueUrl"]
        arn = clients["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for spec in fn.s3_events:
            config: dict[str, Any] = {"QueueArn": arn, "Events": spec["events"]}
            rules = ((spec.get("filter") or {}).get("S3Key") or {}).get("Rules")
            if rules:
                config["Filter"] = {"Key": {"FilterRules": rules}}
            per_bucket.setdefault(spec["bucket"], []).append(config)
    for bucket, configs in per_bucket.items():
        clients["s3"].put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"QueueConfigurations": configs})


def seed(dynamodb: Any, table: str) -> None:
    """Trade counters, a few users with profiles and subscriptions (shapes from ``shared/db.py``)."""
    from shared import db
    from shared.subscriptions import subscription_item
    from shared.trades import CATALOGUE

    now = datetime.now(UTC).isoformat()
    subscribers = {trade: 0 for trade in CATALOGUE}
    items: list[dict[str, Any]] = []
    for username, (name, trades) in DEMO_USERS.items():
        email = f"{username}@{DEMO_DOMAIN}"
        items.append({**db.profile_key(username), "username": username, "email": email, "name": name,
                      "created_at": now})
        for trade in trades:
            subscribers[trade] += 1
            items.append(subscription_item(username, trade, email, name, now))
    for trade, count in subscribers.items():
        items.append({**db.trade_stats_key(trade), "trade": trade, "leeds_posted": 0, "leeds_sold": 0,
                      "subscribers": count})
    for item in items:
        dynamodb.put_item(TableName=table, Item=db.to_ddb(item))
