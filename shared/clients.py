"""AWS clients, created once per cold start, lazily, on first use.

boto3 itself honours ``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_<SERVICE>``, so the same code talks to
moto locally and to AWS when deployed. Tests call ``reset()`` after changing the environment.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from shared import warm_caches

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=10)


@cache
def client(service: str) -> Any:
    """One client per service per process; ``s3`` signs with SigV4 so pre-signed POSTs work everywhere."""
    config = _CONFIG.merge(Config(signature_version="s3v4")) if service == "s3" else _CONFIG
    return boto3.session.Session().client(service, config=config)


def dynamodb() -> DynamoDBClient:
    return client("dynamodb")


def lambda_() -> LambdaClient:
    return client("lambda")


def ses() -> SESClient:
    return client("ses")


def sesv2() -> SESV2Client:
    """SES v2: sending (``SendEmail``, ``SendBulkEmail`` with per-destination headers) and email templates."""
    return client("sesv2")


def secretsmanager() -> SecretsManagerClient:
    return client("secretsmanager")


def s3() -> S3Client:
    return client("s3")


@warm_caches.forgets
def reset() -> None:
    """Forget every client (tests, or after the environment changed)."""
    client.cache_clear()
