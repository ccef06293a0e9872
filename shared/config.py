"""Configuration, read from the environment in one place.

Values are read on each call (not at import) so a missing variable fails the invocation that needs it,
with a message naming it, and tests can set the environment per test. An explicit argument always beats
the environment: callers pass overrides, these functions are the fallback.
"""

from __future__ import annotations

import os


class ConfigError(RuntimeError):
    """A variable the template should have set is missing: a deployment bug, never a client error."""


def require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is not set")
    return value


def optional(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def table_name() -> str:
    return require("TABLE_NAME")


def controller_function(controller: str) -> str:
    """Function name (or ARN) of a controller, e.g. ``email`` -> $EMAIL_CONTROLLER."""
    return require(f"{controller.upper()}_CONTROLLER")


def sender_email() -> str:
    return require("SENDER_EMAIL")


def sender_name() -> str:
    """The display name every email comes from (``From: leedz <noreply@...>``)."""
    return optional("SENDER_NAME", "leedz")


def configuration_set() -> str | None:
    """The SES configuration set every email goes through (bounce and complaint events); None to send without."""
    return os.environ.get("SES_CONFIGURATION_SET", "").strip() or None


def unsubscribe_key_secret() -> str:
    """The Secrets Manager secret (name or ARN) holding the unsubscribe links' signing key."""
    return require("UNSUBSCRIBE_KEY_SECRET")


def upload_bucket() -> str:
    return require("UPLOAD_BUCKET")


def thumbnail_bucket() -> str:
    return require("OUTPUT_BUCKET")


def public_base_url() -> str:
    """Base URL of the public API, for the unsubscribe link in emails."""
    return optional("PUBLIC_BASE_URL", "http://127.0.0.1:3000").rstrip("/")


def app_url() -> str:
    """The web app's URL, for links in emails to its pages (``/leeds/{id}``); the API's without one."""
    return optional("APP_URL", public_base_url()).rstrip("/")


def allowed_origin() -> str:
    """The web app's origin that browsers may call the API from (CORS); ``*`` for any."""
    return optional("ALLOWED_ORIGIN", "*")

