"""The ``Custom::WebAppContent`` resource: at every deploy, copy ``web/`` into the app bucket and write
``config.json`` from the stack's values (its ``Config`` property, the shape in ``web/CONFIG.md``).

Create and Update publish (and remove files that left ``web/``); Delete empties the bucket, so CloudFormation can
delete it. The answer goes to CloudFormation's pre-signed URL by hand: ``cfnresponse`` exists only for inline
(ZipFile) code, and this function's code is the repo root (so ``web/`` is in its package).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from pathlib import Path
from typing import Any

import boto3

from infra.web_files import CACHE_CONTROL, TYPES, WEB, app_files

logger = logging.getLogger(__name__)


def publish(s3: Any, bucket: str, config: dict[str, Any], root: Path = WEB) -> list[str]:
    """Upload every app file and ``config.json``; delete what is no longer in ``web/``. The keys written."""
    files = app_files(root)
    for key, path in files.items():
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=TYPES[path.suffix],
                      CacheControl=CACHE_CONTROL)
    s3.put_object(Bucket=bucket, Key="config.json", Body=json.dumps(config, indent=2).encode(),
                  ContentType=TYPES[".json"], CacheControl=CACHE_CONTROL)
    written = [*files, "config.json"]
    stale = [key for key in _keys(s3, bucket) if key not in written]
    _delete(s3, bucket, stale)
    return written


def empty(s3: Any, bucket: str) -> None:
    _delete(s3, bucket, list(_keys(s3, bucket)))


def _keys(s3: Any, bucket: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [obj["Key"] for page in pages for obj in page.get("Contents", [])]


def _delete(s3: Any, bucket: str, keys: list[str]) -> None:
    for start in range(0, len(keys), 1000):  # DeleteObjects takes 1000 keys a call
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[start:start + 1000]]})


def handler(event: dict[str, Any], context: Any, s3: Any = None) -> dict[str, Any]:
    props = event["ResourceProperties"]
    bucket = props["Bucket"]
    answer: dict[str, Any] = {"Status": "SUCCESS", "Reason": "", "PhysicalResourceId": f"web-app-{bucket}", "Data": {},
                              **{k: event[k] for k in ("StackId", "RequestId", "LogicalResourceId")}}
    try:
        s3 = s3 or boto3.client("s3")
        if event["RequestType"] == "Delete":
            empty(s3, bucket)
        else:
            answer["Data"] = {"Files": len(publish(s3, bucket, props["Config"]))}
    except Exception as exc:  # any failure must reach CloudFormation (logged), or the stack waits an hour
        logger.exception("web app deploy failed")
        answer.update(Status="FAILED", Reason=f"{type(exc).__name__}: {exc}"[:500])
    if event.get("ResponseURL"):
        body = json.dumps(answer).encode()
        request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",  # noqa: S310 - CFN's https URL
                                         headers={"Content-Type": "", "Content-Length": str(len(body))})
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310
            pass
    return answer
