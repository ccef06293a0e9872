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
    # query_index: moto's Query walks what all_items answers; every write to a table's items goes through these
    assert _params(Table.query)[:8] == ["self", "hash_key", "range_comparison", "range_objs", "limit",
                                        "exclusive_start_key", "scan_index_forward", "projection_expressions"]
    assert {"index_name", "hash_key_conditions", "range_key_conditions"} <= set(_params(Table.query))
    assert _params(Table.all_items) == ["self"]
    assert _params(Table.put_item)[:2] == ["self", "item_attrs"]
    assert _params(Table.delete_item) == ["self", "hash_key", "range_key"]
    assert _params(DynamoDBBackend.update_item)[:3] == ["self", "table_name", "key"]
    assert _params(Table._item_comes_before_dct) == ["self", "item", "dct", "hash_key_attrs", "range_key_attrs",
                                                     "scan_index_forward"]
    assert _params(Table._generate_attr_to_sort_by) == ["self", "hash_key_attrs", "range_key_attrs"]

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


def test_serializer_template_renderer_and_ses_errors():
    from moto.core.serialize import BaseJSONSerializer
    from moto.ses import models, template
    from moto.ses.exceptions import SesError

    # ddb_serialize: the JSON serializer's structure method and its plain copy
    assert _params(BaseJSONSerializer._serialize_type_structure) == ["self", "serialized", "value", "shape", "key"]
    assert _params(BaseJSONSerializer._default_serialize) == ["self", "serialized", "value", "shape", "key"]
    # ses_render: moto renders through this module attribute (ses_capture looks it up there, models imports it)
    assert _params(template.parse_template) == ["template", "template_data", "tokenizer"]
    assert callable(models.parse_template)
    # ses_quota: an SES error with a code of our choosing
    error = SesError("Throttling", "Maximum sending rate exceeded.")
    assert (error.code, error.message) == ("Throttling", "Maximum sending rate exceeded.")


def test_ses_v2_operations_we_add_are_still_missing_from_moto_and_its_url_map_is_a_dict():
    """``ses_v2`` adds template and bulk operations moto 5.2 lacks; once moto has its own, ours are skipped
    (``hasattr``) and this fails so that ours are removed and moto's checked instead."""
    from moto.ses.models import SESBackend
    from moto.sesv2 import urls
    from moto.sesv2.models import SESV2Backend
    from moto.sesv2.responses import SESV2Response

    from infra.local.aws import ses_v2

    for name, operation in ses_v2.OPERATIONS.items():
        # ses_quota may have wrapped ours (functools.wraps) if a stack started in this process: look beneath
        found = inspect.unwrap(getattr(SESV2Response, name, operation))
        assert found is operation, f"moto now has SESV2Response.{name}"
    assert isinstance(urls.url_paths, dict)
    assert "core_backend" in inspect.getsource(SESV2Backend.__init__)  # the v1 backend, holding templates
    assert _params(SESBackend._is_verified_address) == ["self", "source"]


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


def test_the_emulator_serves_motos_wsgi_app_itself():
    """aws/emulator.py starts moto's WSGI app (what ThreadedMotoServer serves) behind the local guard."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import WSGIRequestHandler

    assert callable(DomainDispatcherApplication(create_backend_app))
    assert issubclass(MotoRequestHandler, WSGIRequestHandler)


def test_request_dispatch_for_places_and_cognito():
    from moto.core.botocore_stubber import BotocoreStubber
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    assert _params(BotocoreStubber.process_request) == ["self", "request"]  # places (in-process moto)
    assert _params(DomainDispatcherApplication.__call__) == ["self", "environ", "start_response"]  # places, cognito
