"""S3-triggered conversion: each uploaded image gets a thumbnail under the same key in $OUTPUT_BUCKET, and its
attachment becomes ``ready``.

S3 invokes this asynchronously (no caller waits); the client polls the thumbnail's pre-signed GET or the
listing's ``status``. A file that is not a valid image of its declared type (or a decompression bomb) is a
permanent failure: the attachment becomes ``rejected`` with the reason, the upload is deleted, and the function
returns normally, since a retry would fail the same way. Only AWS errors raise: Lambda retries those, then sends
the event to the OnFailure destination. Only a pending attachment is converted, and its status moves once
(conditionally): a repeated event, or the same pre-signed form used again, converts nothing a second time.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import PIL.ImageOps  # noqa: F401 - every invocation decodes: load Pillow at init (shared.thumbnails imports it lazily)
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from shared import attachment_records as records
from shared import clients, config, thumbnails, uploads
from shared.observability import logger, metrics, traced


def temp_path(request_id: str, index: int, key: str) -> Path:
    """Named by the request id (unique per invocation, so concurrent invocations never share a file)."""
    return Path(tempfile.gettempdir()) / f"{request_id}-{index}.{thumbnails.extension(key)}"


def convert(bucket: str, key: str, temp: Path, output_bucket: str) -> int | None:
    """Download, thumbnail, upload; the temp file is removed whatever happens. Returns the thumbnail size, or
    None when the upload is gone (deleted with its attachment, or by the event that rejected it).
    Raises ``UnsupportedImage`` for a file that is not a valid image of its declared type."""
    fmt = thumbnails.format_for_key(key)  # refuse by extension before downloading anything
    try:
        clients.s3().download_file(bucket, key, str(temp))
        data = thumbnails.make_thumbnail(temp, fmt)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey"):
            return None
        raise
    finally:
        temp.unlink(missing_ok=True)
    clients.s3().put_object(Bucket=output_bucket, Key=key, Body=data, ContentType=thumbnails.CONTENT_TYPE[fmt])
    return len(data)


def process(bucket: str, key: str, temp: Path, output_bucket: str) -> dict[str, Any]:
    """One uploaded file: its outcome (``ready``, ``rejected``, ``gone`` or ``orphan``) for the result."""
    parsed = uploads.parse_s3_key(key)
    item = records.find(*parsed) if parsed else None
    if parsed is None or item is None:
        # No attachment holds this key: deleted, or its slot reclaimed after its URL expired. Nothing may keep it.
        logger.warning("upload without an attachment: deleted", extra={"key": key})
        clients.s3().delete_object(Bucket=bucket, Key=key)
        clients.s3().delete_object(Bucket=output_bucket, Key=key)
        return {"key": key, "outcome": "orphan"}
    leed_id, short = parsed
    if item.get("status") != records.PENDING:
        # Decided already (issue 18): the same pre-signed form used again, or the event delivered again. Nothing is
        # converted twice; a rejected slot keeps no upload, whatever arrives under its key later.
        if item.get("status") == records.REJECTED:
            clients.s3().delete_object(Bucket=bucket, Key=key)
        return {"key": key, "outcome": f"already {item.get('status')}"}
    try:
        size = convert(bucket, key, temp, output_bucket)
    except thumbnails.UnsupportedImage as exc:
        logger.warning("upload rejected", extra={"key": key, "reason": str(exc)})
        if not records.mark_rejected(leed_id, item, exc.reason):
            return {"key": key, "outcome": "decided elsewhere"}  # another event of this key decided first
        uploads.remove_files(leed_id, short, bucket)
        metrics.add_metric(name="ThumbnailRejections", unit="Count", value=1)
        return {"key": key, "outcome": records.REJECTED}
    if size is None:
        return {"key": key, "outcome": "gone"}
    if not records.mark_ready(leed_id, item):
        if records.find(leed_id, key) is not None:  # still there: a concurrent event of the same key made it ready
            return {"key": key, "outcome": "decided elsewhere"}
        uploads.remove_files(leed_id, short, bucket)  # deleted or reclaimed while we converted: undo what we wrote
        return {"key": key, "outcome": "orphan"}
    metrics.add_metric(name="ThumbnailConversions", unit="Count", value=1)  # a repeated S3 event counts again
    return {"key": key, "outcome": records.READY, "bytes": size}


@metrics.log_metrics
@logger.inject_lambda_context
@traced
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    output_bucket = config.thumbnail_bucket()
    outcomes = []
    for index, record in enumerate(event.records):
        # S3 URL-encodes keys in events ('a b.jpg' -> 'a+b.jpg'); powertools decodes only ``S3Event.object_key``
        # (first record), so each record's key is decoded here.
        bucket, key = record.s3.bucket.name, unquote_plus(record.s3.get_object.key)
        logger.info("converting", extra={"bucket": bucket, "key": key, "output_bucket": output_bucket})
        outcomes.append(process(bucket, key, temp_path(context.aws_request_id, index, key), output_bucket))
    return {"thumbnails": outcomes}
