"""The emulated SES account's send rate, enforced: a send over ``MaxSendRate`` is refused, as SES refuses it.

SES counts every recipient against the account's maximum send rate and answers a call that would exceed it
with ``Throttling`` ("Maximum sending rate exceeded."; SES v2: ``TooManyRequestsException``), sending none of
it. moto never refuses, so the local stack could not show N concurrent fan-outs sending N times too fast.

The quota is a token bucket over the whole account: refilled at ``MaxSendRate`` recipients a second, holding at
most one second's worth, or one full 50-destination bulk call if that is more (SES accepts a bulk call whose
destinations exceed a small account's per-second rate when it has been idle, and a bucket smaller than one call
could never accept one). A call takes its recipients from the bucket, or is refused whole. Each refusal is
logged (``ses | {"throttled": ...}``) and counted, so a test can require none.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

from infra.local.logs import log

BULK_DESTINATIONS = 50


class Bucket:
    """Recipients the account may still send now; refilled continuously at ``rate`` a second."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.capacity, self._clock = rate, max(rate, float(BULK_DESTINATIONS)), clock
        self._tokens, self._at = self.capacity, clock()
        self._lock = threading.Lock()
        self.throttled = 0

    def take(self, recipients: int) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if recipients > self._tokens:
                self.throttled += 1
                return False
            self._tokens -= recipients
            return True


_bucket: list[Bucket] = []  # the running stack's (wiring, set by ``install``)


def _v1_simple(resp: Any) -> int:
    return _count(resp._get_param("Destination", {}))


def _v1_bulk(resp: Any) -> int:
    return sum(_count(d.get("Destination")) for d in resp._get_param("Destinations", []) or [])


def _v1_raw(resp: Any) -> int:
    return len(resp._get_param("Destinations", []) or []) or 1  # else the message's own To/Cc/Bcc: one at least


def _v2_recipients(resp: Any) -> int:
    params = json.loads(resp.body or "{}")
    if "BulkEmailEntries" in params:
        return sum(_count(e.get("Destination")) for e in params["BulkEmailEntries"])
    return _count(params.get("Destination")) or 1


def _count(destination: dict[str, Any] | None) -> int:
    destination = destination or {}
    return sum(len(destination.get(k) or []) for k in ("ToAddresses", "CcAddresses", "BccAddresses"))


def _v1_refusal() -> Exception:
    from moto.ses.exceptions import SesError

    return SesError("Throttling", "Maximum sending rate exceeded.")


def _v2_refusal() -> Exception:
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError("TooManyRequestsException", "Maximum sending rate exceeded.")


def _guard(cls: Any, method: str, recipients: Callable[[Any], int], refusal: Callable[[], Exception]) -> None:
    original = getattr(cls, method, None)
    if original is None or getattr(original, "_leedz_quota", False):
        return

    @functools.wraps(original)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        count = recipients(self)
        if _bucket and not _bucket[0].take(count):
            log("ses", throttled=method, recipients=count, max_send_rate=_bucket[0].rate,
                throttles=_bucket[0].throttled)
            raise refusal()
        return original(self, *args, **kwargs)

    guarded._leedz_quota = True  # type: ignore[attr-defined]
    setattr(cls, method, guarded)


def install(max_send_rate: float) -> Bucket:
    """Enforce ``max_send_rate`` on moto's SES send handlers (v1 and v2) in this process; the bucket used.
    Install after ``ses_capture``: a refused call then never reaches the capture (nothing was sent)."""
    from moto.ses.responses import EmailResponse
    from moto.sesv2.responses import SESV2Response

    _bucket[:] = [Bucket(max_send_rate)]
    # SES v1's model names no Throttling shape (it is a common AWS error code); moto warns, then answers 400.
    warnings.filterwarnings("ignore", message=r"Exception\(SesError\) with code Throttling", category=UserWarning)
    for method, count in (("send_email", _v1_simple), ("send_templated_email", _v1_simple),
                          ("send_bulk_templated_email", _v1_bulk), ("send_raw_email", _v1_raw)):
        _guard(EmailResponse, method, count, _v1_refusal)
    for method in ("send_email", "send_bulk_email"):  # send_bulk_email: when the emulator has one
        _guard(SESV2Response, method, _v2_recipients, _v2_refusal)
    return _bucket[0]
