"""At-most-once side effects outside DynamoDB (an SES send), with powertools' idempotency utility.

DynamoDB effects are exactly-once through ``shared.effects`` (the marker is in the same transaction). An email
cannot join a transaction, so a send is wrapped in powertools' ``idempotent_function``: a record goes
IN_PROGRESS before the send and COMPLETED with its result after, in the same table. A repeated event gets the
saved result and sends nothing; a send that raised deletes the record, so the retry sends.

The in-progress record is a lease of ``LEASE_SECONDS``, not the invocation's remaining time: a crash mid-send
(a killed container) would otherwise block every retry until the crashed invocation's timeout had passed (5
minutes for the email controller, longer than Lambda's two async retries: the event would end in OnFailure with
the fan-out half done). A call that meets a record in progress waits for it: a concurrent duplicate gets the
saved result once the other finishes; a crashed one's lease lapses and this call sends again (that one unit
may go out twice, as with any crash between a send and its record).

The persistence layer is built per call (cheap; the client is the cached one) because its table name comes
from the environment and its partition is the leed: records spread over partitions, one per leed, instead of
all landing on one hot key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients, config

# Longer than any redelivery: retries end within MaximumEventAgeInSeconds (1 h) and the outbox sweeper
# re-fires within minutes; a day of margin costs nothing (TTL removes the records).
EXPIRES_AFTER_SECONDS = 2 * 24 * 3600
# The longest one unit may take (a bulk send of 50 paced at the account's rate: about 4 s at SES's production
# 14/s), with margin; shorter than Lambda's first async retry (about a minute).
LEASE_SECONDS = 20
POLL_SECONDS = 0.5


class _Lease:
    """The Lambda context as powertools' idempotency reads it, with the remaining time capped at the lease."""

    def __init__(self, context: LambdaContext | None) -> None:
        self._context = context

    def get_remaining_time_in_millis(self) -> int:
        remaining = self._context.get_remaining_time_in_millis() if self._context else LEASE_SECONDS * 1000
        return min(remaining, LEASE_SECONDS * 1000)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


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
    settings.register_lambda_context(_Lease(context))  # type: ignore[arg-type]
    guarded = idempotent_function(function, data_keyword_argument="unit", persistence_store=store, config=settings)
    deadline = time.monotonic() + LEASE_SECONDS + POLL_SECONDS
    while True:
        try:
            return guarded(unit=unit)
        except IdempotencyAlreadyInProgressError:
            if time.monotonic() > deadline:
                raise  # still in progress after a whole lease: Lambda retries the event later
            time.sleep(POLL_SECONDS)
