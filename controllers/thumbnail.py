"""S3-triggered conversion: each uploaded image gets a thumbnail under the same key in $OUTPUT_BUCKET.

S3 invokes this asynchronously (no caller waits); the client polls the thumbnail's pre-signed GET. A file we
cannot convert raises, so Lambda retries and then sends the event (its key in ``requestPayload``) to the
OnFailure destination. Writing the same bytes to the same key makes a repeated event harmless.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import PIL.ImageOps  # noqa: F401 - every invocation decodes: load Pillow at init (shared.thumbnails imports it lazily)
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients, config, thumbnails
from shared.observability import logger, metrics, traced


def temp_path(request_id: str, index: int, key: str) -> Path:
    """Named by the request id (unique per invocation, so concurrent invocations never share a file)."""
    return Path(tempfile.gettempdir()) / f"{request_id}-{index}.{thumbnails.extension(key)}"


def convert(bucket: str, key: str, temp: Path, output_bucket: str) -> int:
    """Download, thumbnail, upload; the temp file is removed whatever happens. Returns the thumbnail size."""
    fmt = thumbnails.format_for_key(key)  # refuse by extension before downloading anything
    try:
        clients.s3().download_file(bucket, key, str(temp))
        data = thumbnails.make_thumbnail(temp, fmt)
    finally:
        temp.unlink(missing_ok=True)
    clients.s3().put_object(Bucket=output_bucket, Key=key, Body=data, ContentType=thumbnails.CONTENT_TYPE[fmt])
    return len(data)


@metrics.log_metrics
@logger.inject_lambda_context
@traced
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    output_bucket = config.thumbnail_bucket()
    written = []
    for index, record in enumerate(event.records):
        # S3 URL-encodes keys in events ('a b.jpg' -> 'a+b.jpg'); powertools decodes only ``S3Event.object_key``
        # (first record), so each record's key is decoded here.
        bucket, key = record.s3.bucket.name, unquote_plus(record.s3.get_object.key)
        logger.info("converting", extra={"bucket": bucket, "key": key, "output_bucket": output_bucket})
        size = convert(bucket, key, temp_path(context.aws_request_id, index, key), output_bucket)
        written.append({"key": key, "bytes": size})
        metrics.add_metric(name="ThumbnailConversions", unit="Count", value=1)  # a repeated S3 event counts again
    return {"thumbnails": written}
