"""Tiny Lambda handlers for the worker tests: warm state, slowness and failure on demand."""

import contextlib
import time

calls = 0


def counter(event, context):
    """Returns how many times this warm instance has run, and what the context says."""
    global calls
    calls += 1
    if event.get("say"):
        print(event["say"])  # what the Invoke API's log tail (LogResult) must show
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("fail"):
        raise ValueError("asked to fail")
    remaining = context.get_remaining_time_in_millis()
    return {"calls": calls, "function_name": context.function_name, "remaining_ms": remaining}


def api_echo(event, context):
    """An API handler answering with the proxy event it got (to check the gateway builds it right)."""
    import json

    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "body": json.dumps(event)}


def echo(event, context):
    """Returns its event: an OnSuccess destination record then carries it as ``responsePayload``."""
    return event


def crash(event, context):
    """An API handler that fails outside any error handling."""
    raise RuntimeError("secret internals")


def aws_calls(event, context):
    """Makes ``event["calls"]`` AWS calls in sequence (to an endpoint that refuses them at once)."""
    import boto3
    from botocore.config import Config

    client = boto3.client("sqs", endpoint_url="http://127.0.0.1:9", region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x",
                          config=Config(retries={"max_attempts": 1}, connect_timeout=1))
    for _ in range(event["calls"]):
        with contextlib.suppress(Exception):
            client.list_queues()
    return {"calls": event["calls"]}
