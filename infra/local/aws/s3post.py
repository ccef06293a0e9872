"""Browser uploads (pre-signed POST) checked against their policy, as S3 does and moto does not.

moto stores whatever a form POST sends; S3 refuses an expired policy, a file outside ``content-length-range``
and a field that breaks an ``eq``/``starts-with`` condition. Handlers cap uploads with exactly those, so the
local stack must enforce them for the cap to be testable. (The signature itself is not checked.)
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

_NOT_POLICY = {"policy", "x-amz-signature", "file"}


def _xml(status: int, code: str, message: str) -> tuple[int, dict[str, str], str]:
    body = f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return status, {"Content-Type": "application/xml"}, body


def violation(policy_b64: str, fields: dict[str, str], size: int) -> tuple[int, dict[str, str], str] | None:
    """The S3 error for a form that breaks its policy, or None. ``fields`` are the form fields, lower-cased."""
    try:
        policy = json.loads(base64.b64decode(policy_b64))
    except ValueError:
        return _xml(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    if expires < datetime.now(UTC):
        return _xml(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict):
            condition = ["eq", *next(iter(condition.items()))]
        op, *args = condition
        if op == "content-length-range":
            low, high = int(args[0]), int(args[1])
            if size > high:
                return _xml(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            if size < low:
                return _xml(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
            continue
        field, expected = str(args[0]).lstrip("$").lower(), str(args[1])
        value = fields.get(field, "")
        if (op == "eq" and value != expected) or (op == "starts-with" and not value.startswith(expected)):
            return _xml(403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {condition}")
    return None


def install() -> None:
    from moto.s3.responses import S3Response

    original = S3Response._bucket_response_post
    if getattr(original, "_leedz_wrapped", False):
        return

    def checked(self: Any, request: Any, bucket_name: str) -> Any:
        form = {k.lower(): v[0] for k, v in (self.querystring or {}).items() if v}
        if "policy" in form and "delete" not in form:
            error = violation(form["policy"], {**form, "bucket": bucket_name}, len(self.body or b""))
            if error:
                return error
        status, headers, body = original(self, request, bucket_name)
        # S3 answers a browser's form POST with the bucket's CORS headers; moto adds them to GETs only.
        return status, {**headers, **self._get_cors_headers_other()}, body

    checked._leedz_wrapped = True  # type: ignore[attr-defined]
    S3Response._bucket_response_post = checked
