"""At-most-once side effects outside DynamoDB (an SES send), with powertools' idempotency utility.

DynamoDB effects are exactly-once through ``shared.effects`` (the marker is in the same transaction). An email
cannot join a transaction, so a send is wrapped in powertools' ``idempotent_function``: a record goes
IN_PROGRESS before the send and COMPLETED with its result after, in the same table. A repeated event gets the
saved result and sends nothing; a concurrent duplicate raises ``IdempotencyAlreadyInProgressError`` (Lambda
retries it later); a send that raised deletes the record, so the retry sends. The in-progress record expires
with the invocation's remaining time, so a crash mid-send is retried, not stuck.

The persistence layer is built per call (cheap; the client is the cached one) because its table name comes
from the environment and its partition is the leed: records spread over partitions, one per leed, instead of
all landing on one hot key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients, config

# Longer than any redelivery: retries end within MaximumEventAgeInSeconds (1 h) and the outbox sweeper
# re-fires within minutes; a day of margin costs nothing (TTL removes the records).
EXPIRES_AFTER_SECONDS = 2 * 24 * 3600


def run_once(
    function: Callable[..., dict[str, Any]],
    unit: dict[str, Any],
    *,
    leed_id: str,
    key_fields: str,
    context: LambdaContext | None,
) -> dict[str, Any]:
    """Call ``function(unit=unit)`` once per value of ``key_fields`` (a JMESPath over ``unit``), for good.

    Returns the function's result, or the saved result of the call that already happened.
    """
    store = DynamoDBPersistenceLayer(
        table_name=config.table_name(),
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=f"ONCE#{leed_id}",
        expiry_attr="expires_at",
        boto3_client=clients.dynamodb(),
    )
    settings = IdempotencyConfig(
        event_key_jmespath=key_fields,
        raise_on_no_idempotency_key=True,
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
        use_local_cache=False,
    )
    if context is not None:
        settings.register_lambda_context(context)
    guarded = idempotent_function(function, data_keyword_argument="unit", persistence_store=store, config=settings)
    return guarded(unit=unit)
