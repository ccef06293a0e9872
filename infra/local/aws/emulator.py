"""The embedded AWS emulator: moto's server in this process on 127.0.0.1, with our patches installed.

The only module (with its siblings in ``aws/``) that touches moto's internals; each patched moto symbol has a
canary test (``tests/unit/test_moto_patches.py``) so a moto upgrade that moves one fails loudly.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from infra.local.aws import cognito_hook, ddb_lock, durable, places, s3_hook, s3post, ses_capture, transactions
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
                 s3_event: Callable[[str, dict[str, Any]], bool], saved: SavedData, *,
                 geocoder_down: bool = False, forget_user: Callable[[str], None] = lambda username: None) -> None:
        """``mail_sink`` records each email sent; ``s3_event(queue, body)`` takes an S3 notification over
        (True) or leaves it to moto (False); ``saved`` keeps the data written through the emulator;
        ``geocoder_down`` makes Location Service's ``Geocode`` fail (``aws/places.py``); ``forget_user`` is
        what Cognito's ``AdminDeleteUser`` does here (``aws/cognito_hook.py``)."""
        self._mail_sink, self._rate, self._s3_event, self._saved = mail_sink, ses_max_send_rate, s3_event, saved
        self._geocoder_down, self._forget_user = geocoder_down, forget_user
        self.endpoint = ""
        self._server: Any = None

    def start(self) -> str:
        clean_environment()
        # S3 answers CORS from each bucket's rules, as AWS does; moto reads this when it is first imported.
        os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        durable.install(self._saved)  # before ddb_lock: a DynamoDB write is saved while the lock is held
        ddb_lock.install()  # moto's DynamoDB is not thread-safe; our workers call it concurrently
        transactions.install()
        s3post.install()
        ses_capture.install(self._mail_sink, self._rate)
        s3_hook.install(self._s3_event)
        places.install()  # Location Service's Geocode, offline
        places.set_down(self._geocoder_down)
        cognito_hook.install(self._forget_user)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
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
            self._server.stop()
