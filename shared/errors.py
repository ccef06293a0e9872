"""The few error types the business rules raise; ``shared.api`` maps them to HTTP once."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status: int = 500
    code: str = "internal"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def headers(self) -> dict[str, str]:
        return {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class TooLarge(AppError):
    status, code = 413, "too_large"


class UnsupportedMediaType(AppError):
    status, code = 415, "unsupported_media_type"


class ValidationFailed(AppError):
    status, code = 422, "validation_error"


class TooManyRequests(AppError):
    """A per-user quota is spent (``shared/quotas.py``); ``Retry-After`` says in how many seconds it renews."""

    status, code = 429, "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


# Status -> the contract's error code, for the OpenAPI document and the route declarations (``shared.contract``).
ERROR_CODES: dict[int, str] = {cls.status: cls.code for cls in AppError.__subclasses__()} | {500: AppError.code}


class LeedMissing(LookupError):
    """A controller event names a leed that does not exist, or not in the state the event says.

    Events are written in the same transaction as the leed change, so this is never a normal race: raise, so
    Lambda retries and then the event reaches the failure destination where someone can look at it.
    """
