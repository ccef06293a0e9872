"""One Logger and one Metrics per process; every module logs through these.

The correlation id is the API Gateway request id in handlers; controllers set it from the event, so a request
and every effect it causes can be followed across functions in the logs.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="leedz")
metrics = Metrics(namespace="Leedz", service="leedz")
