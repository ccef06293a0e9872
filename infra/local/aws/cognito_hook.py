"""Cognito's ``AdminDeleteUser``, as the local stack understands it: the user's tokens are forgotten.

The local stack has no user directory (whoever signs in is a user; ``http/oauth.py``, ``/_local/token``), so
moto's Cognito, which knows no pool of ours, would refuse the erasure's call. This answers it in the embedded
server instead: ``forget(username)`` (the stack's: refresh tokens dropped, every token issued before now
refused at the gateway, as the deleted Cognito user's could no longer be refreshed or used) and ``{}``, as
Cognito answers. Other Cognito calls reach moto unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

TARGET = "AWSCognitoIdentityProviderService.AdminDeleteUser"
_sink: dict[str, Callable[[str], None]] = {}


def install(forget: Callable[[str], None]) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    _sink["forget"] = forget
    if getattr(DomainDispatcherApplication.__call__, "_leedz_cognito", False):
        return
    served = DomainDispatcherApplication.__call__

    def dispatch(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("HTTP_X_AMZ_TARGET") != TARGET:
            return served(self, environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            username = str(json.loads(environ["wsgi.input"].read(length) or b"{}")["Username"])
        except (ValueError, KeyError):
            start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.1"),
                                               ("x-amzn-ErrorType", "InvalidParameterException")])
            return [b'{"message": "Username is required"}']
        _sink["forget"](username)
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1")])
        return [b"{}"]

    dispatch._leedz_cognito = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.__call__ = dispatch
