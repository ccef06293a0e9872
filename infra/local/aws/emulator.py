"""The embedded AWS emulator: moto's server in this process on 127.0.0.1, with our patches installed.

The only module (with its siblings in ``aws/``) that touches moto's internals; each patched moto symbol has a
canary test (``tests/unit/test_moto_patches.py``) so a moto upgrade that moves one fails loudly.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from infra.local import guard
from infra.local.aws import (
    cognito_hook,
    ddb_lock,
    ddb_serialize,
    durable,
    places,
    query_index,
    s3_hook,
    s3post,
    ses_capture,
    ses_quota,
    ses_render,
    transactions,
)
from infra.local.sam.model import REGION
from infra.local.state.saved import SavedData

Sink = Callable[..., None]  # ses_capture.Sink: (source, recipients, subject, html, text, headers=, raw=)


def clean_environment() -> None:
    """Fake credentials for the emulator, and no profile or endpoint from the developer's shell: nothing the
    stack does can reach a real account."""
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106
                      AWS_DEFAULT_REGION=REGION)
    for var in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL")]:
        os.environ.pop(var)


class Emulator:
    def __init__(self, mail_sink: Sink, ses_max_send_rate: float,
                 s3_event: Callable[[str, dict[str, Any]], bool], saved: SavedData,
                 ses_sent: Callable[[dict[str, Any]], None] | None = None, *,
                 geocoder_down: bool = False, forget_user: Callable[[str], None] = lambda username: None) -> None:
        """``mail_sink`` records each email sent; ``s3_event(queue, body)`` takes an S3 notification over
        (True) or leaves it to moto (False); ``saved`` keeps the data written through the emulator;
        ``ses_sent`` hears of each SES v2 send through a configuration set (the local event publisher);
        ``geocoder_down`` makes Location Service's ``Geocode`` fail (``aws/places.py``); ``forget_user`` is
        what Cognito's ``AdminDeleteUser`` does here (``aws/cognito_hook.py``)."""
        self._mail_sink, self._rate, self._s3_event, self._saved = mail_sink, ses_max_send_rate, s3_event, saved
        self._ses_sent = ses_sent
        self._geocoder_down, self._forget_user = geocoder_down, forget_user
        self.endpoint = ""
        self._server: Any = None

    def start(self) -> str:
        clean_environment()
        # S3 answers CORS from each bucket's rules, as AWS does; moto reads this when it is first imported.
        os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        durable.install(self._saved)  # before ddb_lock: a DynamoDB write is saved while the lock is held
        ddb_lock.install()  # moto's DynamoDB is not thread-safe; our workers call it concurrently
        transactions.install()
        query_index.install()  # a Query costs its page, not the table (before restore: its writes are seen)
        ddb_serialize.install()
        s3post.install()
        ses_capture.install(self._mail_sink, self._rate, self._ses_sent)
        ses_quota.install(self._rate)  # after the capture: a refused send is never captured
        ses_render.install()
        s3_hook.install(self._s3_event)
        places.install()  # Location Service's Geocode, offline
        places.set_down(self._geocoder_down)
        cognito_hook.install(self._forget_user)
        self._server = make_server("127.0.0.1", 0, guarded(DomainDispatcherApplication(create_backend_app)),
                                   threaded=True, request_handler=MotoRequestHandler)
        threading.Thread(target=self._server.serve_forever, name="emulator", daemon=True).start()
        host, port = self._server.server_address[:2]
        self.endpoint = f"http://{host}:{port}"
        return self.endpoint

    def restore(self) -> int:
        """Load the saved data into the emulator (after its resources exist); how many items and objects."""
        return durable.restore(self._saved)

    def reset(self) -> None:
        """Every backend emptied (moto's own reset), our patches kept."""
        from moto.moto_api import _internal

        _internal.moto_api_backend.reset()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def guarded(app: Any) -> Any:
    """moto's WSGI app behind the local ports' own guard (``infra/local/guard.py``, with ``reads_too``): what
    ``moto.server.ThreadedMotoServer`` serves, minus the requests a web page elsewhere could make. Started
    here rather than through ThreadedMotoServer, which takes no middleware."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        def header(name: str) -> str | None:
            return environ.get("HTTP_" + name.upper().replace("-", "_"))

        reason = guard.refused(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""), header,
                               reads_too=True)
        if reason is None:
            return app(environ, start_response)
        body = json.dumps({"error": "forbidden", "message": reason}).encode()
        start_response("403 Forbidden", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return wsgi
