"""The console's read-only look at the emulator's data (``GET /_local/data/items``, ``/_local/data/objects``):
the tables' items by partition-key prefix and the buckets' objects, through the AWS APIs as any client would
(boto3 against the emulator), so it shows what the functions see and never reaches into moto."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import Binary, TypeDeserializer

_DESERIALIZE = TypeDeserializer().deserialize
PAGE = 1000  # items a Scan page reads (before its filter)


def plain(value: Any) -> Any:
    """A deserialised DynamoDB value as JSON: numbers as int or float, sets as sorted lists, binary as base64."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Binary | bytes | bytearray):
        return base64.b64encode(bytes(value.value if isinstance(value, Binary) else value)).decode()
    return value


class DataBrowser:
    def __init__(self, dynamodb: Any, s3: Any) -> None:
        self._dynamodb, self._s3 = dynamodb, s3

    def items(self, prefix: str = "", limit: int = 100) -> dict[str, Any]:
        """Items whose partition key begins with ``prefix``, from every table, at most ``limit`` in all (a
        paged Scan: the emulator holds little, and a look needs no index); ``truncated`` if more matched."""
        found: list[dict[str, Any]] = []
        truncated = False
        for table in self._dynamodb.list_tables()["TableNames"]:
            schema = self._dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
            key = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
            scan: dict[str, Any] = {"TableName": table, "Limit": PAGE}
            if prefix:
                scan.update(FilterExpression="begins_with(#k, :p)", ExpressionAttributeNames={"#k": key},
                            ExpressionAttributeValues={":p": {"S": prefix}})
            for page in self._dynamodb.get_paginator("scan").paginate(**scan):
                found += [{"table": table, "item": plain({k: _DESERIALIZE(v) for k, v in item.items()})}
                          for item in page["Items"]]
                if len(found) > limit:
                    truncated = True
                    break
            if truncated:
                break
        return {"items": found[:limit], "truncated": truncated}

    def objects(self, bucket: str | None = None, prefix: str = "", limit: int = 100) -> dict[str, Any]:
        """Objects of ``bucket`` (every bucket when None) whose key begins with ``prefix``, at most ``limit``;
        ``buckets`` names them all, for choosing one."""
        buckets = [b["Name"] for b in self._s3.list_buckets()["Buckets"]]
        if bucket is not None and bucket not in buckets:
            raise LookupError(f"No bucket {bucket!r}.")
        found: list[dict[str, Any]] = []
        truncated = False
        for name in [bucket] if bucket else buckets:
            pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix=prefix)
            for page in pages:
                found += [{"bucket": name, "key": o["Key"], "size": o["Size"],
                           "last_modified": o["LastModified"].isoformat()} for o in page.get("Contents", [])]
                if len(found) > limit:
                    truncated = True
                    break
            if truncated:
                break
        return {"buckets": buckets, "items": found[:limit], "truncated": truncated}
