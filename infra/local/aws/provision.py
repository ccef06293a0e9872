"""Create the template's data resources in the emulator, verify the sender, wire S3 notifications; the SES
configuration sets and the secrets (each with a value kept in the local state, so what was signed with it stays
valid across restarts)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from infra import cfn
from infra.local.aws import seed
from infra.local.sam.model import Function
from infra.local.sam.resolver import Resolver
from infra.local.sources import s3


def create(clients: dict[str, Any], resolver: Resolver, functions: dict[str, Function],
           secret_value: Callable[[str], bytes] | None = None) -> list[str]:
    """Tables, queues, buckets and S3 notifications as the template declares them; the tables' names."""
    template = resolver.template
    tables = {logical: resolver.physical(logical) for logical in cfn.resources("AWS::DynamoDB::Table", template)}
    cfn.create_tables(clients["dynamodb"], tables, template)
    for logical, props in cfn.resources("AWS::SQS::Queue", template).items():
        attributes = {"FifoQueue": "true"} if props.get("FifoQueue") else {}
        clients["sqs"].create_queue(QueueName=resolver.physical(logical), Attributes=attributes)
    for logical, props in cfn.resources("AWS::S3::Bucket", template).items():
        clients["s3"].create_bucket(Bucket=resolver.physical(logical))
        rules = (resolver.resolve(props.get("CorsConfiguration")) or {}).get("CorsRules")
        if rules:  # browsers upload and fetch straight from S3: its CORS is the template's (CloudFormation's names)
            names = {"AllowedMethods": "AllowedMethods", "AllowedOrigins": "AllowedOrigins", "MaxAge": "MaxAgeSeconds",
                     "AllowedHeaders": "AllowedHeaders", "ExposedHeaders": "ExposeHeaders", "Id": "ID"}
            clients["s3"].put_bucket_cors(Bucket=resolver.physical(logical), CORSConfiguration={
                "CORSRules": [{names[k]: v for k, v in rule.items()} for rule in rules]})
    sender = resolver.params.get("SenderEmail")
    if sender:
        clients["ses"].verify_email_identity(EmailAddress=sender)
    for address in seed.addresses():
        clients["ses"].verify_email_identity(EmailAddress=address)
    _s3_notifications(clients, functions)
    for logical in cfn.resources("AWS::SES::ConfigurationSet", template):
        clients["sesv2"].create_configuration_set(ConfigurationSetName=resolver.physical(logical))
    if secret_value is not None:
        _secrets(clients["secretsmanager"], resolver, secret_value)
    return list(tables.values())


def _secrets(client: Any, resolver: Resolver, secret_value: Callable[[str], bytes]) -> None:
    """Each secret with a value made once and kept (``GenerateSecretString``'s stand-in), under a version id
    derived from it: the same version after every restart, as a deployed secret keeps its version."""
    for logical in cfn.resources("AWS::SecretsManager::Secret", resolver.template):
        value = secret_value(f"secret:{logical}").hex()
        version = str(uuid.uuid5(uuid.NAMESPACE_URL, f"leedz-local-secret:{logical}:{value}"))
        client.create_secret(Name=resolver.physical(logical), SecretString=value, ClientRequestToken=version)


def _s3_notifications(clients: dict[str, Any], functions: dict[str, Function]) -> None:
    """S3 -> internal SQS queue per function (moto delivers those in-process); a poller turns them into
    async invocations. Filters keep SAM's shape (``S3Key.Rules``) mapped to S3's (``Key.FilterRules``)."""
    per_bucket: dict[str, list[dict[str, Any]]] = {}
    for fn in functions.values():
        if not fn.s3_events:
            continue
        url = clients["sqs"].create_queue(QueueName=s3.queue_name(fn.name))["QueueUrl"]
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
