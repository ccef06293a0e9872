"""``python -m infra.local dev | invoke FUNCTION EVENT_FILE [--async] | functions | failed | redrive``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from infra.local.settings import Settings


def _local(settings: Settings, method: str, path: str) -> Any:
    import requests

    resp = requests.request(method, f"http://127.0.0.1:{settings.api_port}{path}", timeout=30)
    resp.raise_for_status()
    return resp.json()


def _lambda(settings: Settings) -> Any:
    import boto3

    return boto3.client("lambda", endpoint_url=f"http://127.0.0.1:{settings.invoke_port}", region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106


def invoke(settings: Settings, function: str, event_file: str, is_async: bool) -> int:
    client = _lambda(settings)
    try:
        resp = client.invoke(FunctionName=function, Payload=Path(event_file).read_bytes(),
                             InvocationType="Event" if is_async else "RequestResponse")
    except client.exceptions.ResourceNotFoundException:
        names = sorted(f["FunctionName"] for f in client.list_functions()["Functions"])
        print(f"no function {function!r}; the stack has: {', '.join(names)}", file=sys.stderr)
        return 2
    payload = resp["Payload"].read().decode()
    print(json.dumps({"StatusCode": resp["StatusCode"], "FunctionError": resp.get("FunctionError")}))
    if payload:
        print(payload)
    return 1 if resp.get("FunctionError") else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dev", help="run the local stack in the foreground")
    inv = sub.add_parser("invoke", help="invoke a function of the running stack")
    inv.add_argument("function")
    inv.add_argument("event_file")
    inv.add_argument("--async", dest="is_async", action="store_true", help="InvocationType Event")
    sub.add_parser("functions", help="list the running stack's functions")
    sub.add_parser("failed", help="print the records that reached OnFailure destinations")
    sub.add_parser("redrive", help="re-send failed events to their functions")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "dev":
        from infra.local.app import run

        return run(settings)
    if args.command == "invoke":
        return invoke(settings, args.function, args.event_file, args.is_async)
    if args.command == "functions":
        for fn in _lambda(settings).list_functions()["Functions"]:
            print(fn["FunctionName"])
        return 0
    if args.command == "failed":
        print(json.dumps(_local(settings, "GET", "/_local/failed")["items"], indent=2))
        return 0
    print(json.dumps(_local(settings, "POST", "/_local/redrive")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
