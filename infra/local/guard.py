"""What no local port serves, whatever the face, and the embedded emulator too (issue 18): the loopback-Host and
cross-site rules, on a method and a header lookup so the HTTP faces (``http/server.py``) and the emulator's WSGI
wrapper (``aws/emulator.py``) apply the very same ones.

- A Host that is not loopback: a DNS-rebinding page reaching 127.0.0.1 under its own name.
- A state-changing request from a web page on another site, so a page the developer visits cannot drive the
  stack: the browser says so in ``Sec-Fetch-Site: cross-site`` or in an ``Origin`` that is not loopback.
  (``Origin: null`` alone is no sign: a form posted under ``Referrer-Policy: no-referrer``, as the local sign-in
  page is, carries it.) Tools send neither header.
- With ``reads_too`` (the emulator, which holds every item and object): any request carrying another site's
  ``Origin``, so no page elsewhere can read it through CORS; and moto's own ``/moto-api/`` (its dashboard and
  ``data.json``, every backend's contents) from any browser at all: it is a tool's endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
Header = Callable[[str], "str | None"]


def host_name(value: str | None) -> str | None:
    try:
        return urlsplit(value or "").hostname
    except ValueError:
        return None


def _foreign_origin(origin: str | None) -> bool:
    return origin not in (None, "null") and host_name(origin) not in LOOPBACK


def refused(method: str, path: str, header: Header, *, reads_too: bool = False) -> str | None:
    """Why this request is refused (a sentence for a 403), or None when it may be served."""
    if host_name("//" + (header("Host") or "")) not in LOOPBACK:
        return "Only loopback host names are served (127.0.0.1, localhost)."
    origin = header("Origin")
    if reads_too and path.startswith("/moto-api") and (origin is not None or header("Sec-Fetch-Site")):
        return "The emulator's own API answers tools only, not browsers."
    if reads_too and _foreign_origin(origin):
        return "Requests from other sites' pages are refused."
    if method.upper() in SAFE_METHODS:
        return None
    if header("Sec-Fetch-Site") == "cross-site" or _foreign_origin(origin):
        return "Cross-site requests that change state are refused."
    return None
