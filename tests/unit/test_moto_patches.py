"""Canaries: every moto symbol ``infra/local/aws/`` patches is where we patch it, with the signature we rely on.

moto's internals are not an API; a moto upgrade that moves or reshapes one of these fails here, by name,
instead of silently un-patching the local stack (emails not captured, transactions slow, policies unchecked).
"""

from __future__ import annotations

import inspect

import pytest


def _params(obj: object) -> list[str]:
    return list(inspect.signature(obj).parameters)  # type: ignore[arg-type]


def test_dynamodb_request_handler_and_transactions():
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    assert _params(DynamoHandler.call_action) == ["self"]  # ddb_lock
    assert _params(DynamoDBBackend.transact_write_items) == ["self", "transact_items"]  # transactions
    assert _params(DynamoDBBackend.get_item)[:3] == ["self", "table_name", "keys"]
    assert _params(DynamoDBBackend.put_item)[:3] == ["self", "table_name", "item_attrs"]
    assert _params(DynamoDBBackend.delete_item)[:3] == ["self", "table_name", "key"]

    import boto3
    from moto import mock_aws
    from moto.dynamodb.models import dynamodb_backends

    with mock_aws():
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName="t", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
        table = dynamodb_backends["123456789012"]["us-east-1"].tables["t"]
        assert isinstance(table, Table) and (table.hash_key_attr, table.range_key_attr) == ("pk", "sk")


def test_s3_post_form_handler_and_notifications():
    from moto.s3 import notifications
    from moto.s3.responses import S3Response

    assert _params(S3Response._bucket_response_post) == ["self", "request", "bucket_name"]  # s3post
    assert _params(notifications._send_sqs_message) == ["account_id", "event_body", "queue_name", "region_name"]


@pytest.mark.parametrize("method", ["send_email", "send_templated_email", "send_bulk_templated_email",
                                    "send_raw_email"])
def test_ses_v1_handlers(method):
    from moto.ses.responses import EmailResponse

    assert _params(getattr(EmailResponse, method)) == ["self"]  # ses_capture wraps each, reading _get_param


def test_ses_v2_handler_quota_and_template_renderer():
    from moto.ses import models
    from moto.ses.template import parse_template
    from moto.sesv2.responses import SESV2Response

    assert _params(SESV2Response.send_email) == ["self"]
    assert _params(models.SESQuota.__init__) == ["self", "sent"]
    assert models.SESQuota(0).max_send_rate  # the attribute ses_capture overrides
    assert parse_template("Hi {{name}}", {"name": "Bo"}) == "Hi Bo"


def test_threaded_server():
    from moto.server import ThreadedMotoServer

    assert {"ip_address", "port", "verbose"} <= set(_params(ThreadedMotoServer.__init__))
    assert callable(ThreadedMotoServer.get_host_and_port)


def test_moto_reset():
    from moto.moto_api import _internal

    assert callable(_internal.moto_api_backend.reset)  # aws/emulator.py's reset


def test_what_durable_saves_through():
    """``aws/durable.py``: the backends' write methods it notes, the reads it saves from, the WSGI entry it
    flushes at, and the backend registries it loads saved data into."""
    from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.s3.models import FakeKey, S3Backend, s3_backends

    assert _params(DynamoDBBackend.update_item)[:3] == ["self", "table_name", "key"]
    assert _params(S3Backend.put_object)[:4] == ["self", "bucket_name", "key_name", "value"]
    assert "disable_notification" in _params(S3Backend.put_object)
    assert _params(S3Backend.delete_object)[:3] == ["self", "bucket_name", "key_name"]
    assert _params(S3Backend.get_object)[:3] == ["self", "bucket_name", "key_name"]
    assert _params(DomainDispatcherApplication.__call__) == ["self", "environ", "start_response"]
    assert {"value", "metadata", "set_metadata"} <= set(dir(FakeKey))
    assert dynamodb_backends["123456789012"]["us-east-1"] is not None and s3_backends["123456789012"]["global"]


def test_request_dispatch_for_places_and_cognito():
    from moto.core.botocore_stubber import BotocoreStubber
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    assert _params(BotocoreStubber.process_request) == ["self", "request"]  # places (in-process moto)
    assert _params(DomainDispatcherApplication.__call__) == ["self", "environ", "start_response"]  # places, cognito
