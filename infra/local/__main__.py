"""``python -m infra.local dev | invoke FUNCTION EVENT_FILE [--async] | failed | redrive``."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any


def _ports() -> tuple[int, int]:
    return int(os.environ.get("LEEDZ_PORT", "3000")), int(os.environ.get("LEEDZ_INVOKE_PORT", "3001"))


def dev() -> int:
    """Run the stack in the foreground until Ctrl-C (or SIGTERM)."""
    from infra.local import auth, gateway, httpd, invoke_api
    from infra.local.http import oauth, webapp
    from infra.local.stack import Stack, log

    started = time.time()
    api_port, invoke_port = _ports()
    stack = Stack(api_port, invoke_port, int(os.environ.get("LEEDZ_CONCURRENCY", "4")))
    stack.tokens = auth.JwtTokens()
    web_port, site = int(os.environ.get("LEEDZ_WEB_PORT", "3002")), webapp.WebApp()
    os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"  # S3 answers CORS from each bucket's rules, as AWS does
    # Both stop the stack cleanly, even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:  # bind first: a busy port fails at once, and /_local/health answers 503 until ready
        servers = [httpd.serve(invoke_api.InvokeHandler, invoke_port, stack),
                   httpd.serve(gateway.GatewayHandler, api_port, stack), webapp.serve(site, web_port)]
    except OSError as exc:
        log("local", error=f"cannot listen on {api_port}/{invoke_port}/{web_port}: {exc}; "
                           "set LEEDZ_PORT/LEEDZ_INVOKE_PORT/LEEDZ_WEB_PORT")
        return 1
    try:
        stack.start()
        stack.router = gateway.Router(stack.functions)
        api = f"http://127.0.0.1:{api_port}"
        client = oauth.registered_client(stack.resolver.template, stack.resolver.resolve)
        stack.oauth = client and oauth.LocalOAuth(client, stack.tokens.encode, issuer=api)
        site.config = webapp.app_config(api, client, api, stack.endpoint, stack.endpoint)
        log("local", status="ready", api=f"http://127.0.0.1:{api_port}",
            invoke=f"http://127.0.0.1:{invoke_port}", web=f"http://127.0.0.1:{web_port}", aws=stack.endpoint,
            functions=len(stack.functions),
            routes=sum(len(f.routes) for f in stack.functions.values()),
            startup_ms=int((time.time() - started) * 1000))
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        log("local", status="stopping")
    finally:
        for server in servers:
            server.shutdown()
        stack.stop()
    return 0


def _local(method: str, path: str) -> Any:
    import requests

    resp = requests.request(method, f"http://127.0.0.1:{_ports()[0]}{path}", timeout=30)
    resp.raise_for_status()
    return resp.json()


def invoke(function: str, event_file: str, is_async: bool) -> int:
    import boto3

    client = boto3.client("lambda", endpoint_url=f"http://127.0.0.1:{_ports()[1]}", region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    resp = client.invoke(FunctionName=function, Payload=Path(event_file).read_bytes(),
                         InvocationType="Event" if is_async else "RequestResponse")
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
    sub.add_parser("failed", help="print the records that reached OnFailure destinations")
    sub.add_parser("redrive", help="re-send failed events to their functions")
    args = parser.parse_args(argv)
    if args.command == "dev":
        return dev()
    if args.command == "invoke":
        return invoke(args.function, args.event_file, args.is_async)
    if args.command == "failed":
        print(json.dumps(_local("GET", "/_local/failed")["items"], indent=2))
        return 0
    print(json.dumps(_local("POST", "/_local/redrive")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
