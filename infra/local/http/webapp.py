"""The web app's local server: ``web/`` on its own origin (``LEEDZ_WEB_PORT``, default 3002), as CloudFront
serves it in AWS.

What ``web/CONFIG.md`` asks of a server: every file at its path with its content type; any extension-less path
(the SPA's deep links ``/leeds/{id}``, ``/post``, ``/me``, ``/auth/callback``, ...) answered with ``index.html``;
404 for a missing asset; ``/config.json`` generated at start from the running stack (never built into the app);
the CSP and security headers on every answer. Files are read per request (an edit shows on reload) with an ETag
and ``Cache-Control: no-cache`` (file names carry no fingerprint, so a cached module could outlive a change);
gzip when the client accepts it. Only loopback ``Host`` headers are answered (a DNS-rebinding page cannot read the
app's config or pose as it). ``WebApp.handle`` is pure (no socket); ``serve`` binds it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from infra.local.http.messages import Request, Response
from infra.local.http.oauth import Answer, Client, origin
from infra.web_files import CACHE_CONTROL, TYPES, WEB, is_app_file

ROOT = WEB
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map"}
MIN_GZIP = 512  # below this, gzip's header and a round of CPU cost more than they save


def app_config(api: str, client: Client | None, auth_base: str, uploads: str, thumbnails: str) -> dict[str, Any]:
    """``/config.json`` (shape: ``web/CONFIG.md``). ``auth_base`` serves ``/oauth2/*`` and ``/logout`` (locally
    the API; in AWS the user pool's domain); ``auth`` is None when the template has no OAuth client."""
    auth = None
    if client is not None:
        auth = {"authorize": f"{auth_base}/oauth2/authorize", "token": f"{auth_base}/oauth2/token",
                "logout": f"{auth_base}/logout", "client_id": client.client_id,
                "redirect_uri": client.callback_urls[0], "logout_uri": client.logout_urls[0],
                "scope": " ".join(client.scopes)}
    return {"api": api.rstrip("/"), "auth": auth, "uploads_origin": origin(uploads),
            "thumbnails_origin": origin(thumbnails)}


def content_security_policy(config: dict[str, Any]) -> str:
    """The app's CSP (``web/CONFIG.md`` section 4): nothing inline, and connections only to the API, the token
    endpoint and the two buckets."""
    connect = dict.fromkeys(["'self'", origin(config["api"]),
                             *([origin(config["auth"]["token"])] if config.get("auth") else []),
                             config["uploads_origin"], config["thumbnails_origin"]])
    return ("default-src 'none'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' {config['thumbnails_origin']}; connect-src {' '.join(connect)}; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class WebApp:
    def __init__(self, root: Path = ROOT) -> None:
        self.root = root.resolve()
        self.config: dict[str, Any] | None = None  # set once the stack is up: /config.json answers 503 until then
        self._gzipped: dict[Path, tuple[tuple[int, int], bytes]] = {}  # file -> (mtime, size), its gzip
        self._lock = threading.Lock()

    def security_headers(self) -> dict[str, str]:
        headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                   "Cross-Origin-Opener-Policy": "same-origin"}
        if self.config is not None:
            headers["Content-Security-Policy"] = content_security_policy(self.config)
        return headers

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Answer:
        lower = {k.lower(): v for k, v in headers.items()}
        answer = self._answer(method, target, lower)
        answer.headers.update(self.security_headers())
        if method == "HEAD":
            return Answer(answer.status, {**answer.headers, "Content-Length": str(len(answer.body))}, b"")
        return answer

    def _answer(self, method: str, target: str, headers: dict[str, str]) -> Answer:
        # Loopback host names only: the server in front of every local port refuses the rest (http/server.py).
        if method not in ("GET", "HEAD"):
            return Answer(405, {"Allow": "GET, HEAD", "Content-Type": "text/plain; charset=utf-8"},
                          b"Method not allowed")
        path = unquote(urlsplit(target).path)
        if path == "/config.json":
            if self.config is None:
                return _text(503, "The local stack is starting.")
            return self._file_answer(json.dumps(self.config, indent=2).encode(), ".json", headers)
        file = self._resolve(path)
        if file is None:
            return _text(404, "Not found")
        return self._file_answer(file.read_bytes(), file.suffix, headers, file)

    def _resolve(self, path: str) -> Path | None:
        """The file a URL path names under ``root``; ``index.html`` for an extension-less path; None if missing,
        hidden, outside ``root`` or a kind the app does not serve (``.md``, ``.sh``)."""
        segments = [s for s in path.split("/") if s]
        if not segments or "." not in segments[-1]:
            return self.root / "index.html"
        if not is_app_file("/".join(segments)) or any("\\" in s or "\0" in s for s in segments):
            return None
        file = self.root.joinpath(*segments).resolve()
        return file if file.is_relative_to(self.root) and file.is_file() else None

    def _file_answer(self, data: bytes, suffix: str, headers: dict[str, str], file: Path | None = None) -> Answer:
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        out = {"Content-Type": TYPES.get(suffix, "application/octet-stream"), "ETag": etag,
               "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
        if etag in [t.strip() for t in headers.get("if-none-match", "").split(",")]:
            return Answer(304, out, b"")
        if suffix in COMPRESSIBLE and len(data) >= MIN_GZIP and "gzip" in headers.get("accept-encoding", ""):
            data = self._gzip(data, file)
            out["Content-Encoding"] = "gzip"
        return Answer(200, out, data)

    def _gzip(self, data: bytes, file: Path | None) -> bytes:
        if file is None:
            return gzip.compress(data, mtime=0)
        stat = file.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._gzipped.get(file)
            if cached is None or cached[0] != version:
                cached = self._gzipped[file] = (version, gzip.compress(data, mtime=0))
            return cached[1]


def _text(status: int, message: str) -> Answer:
    return Answer(status, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
                  message.encode())


def face(app: WebApp) -> Callable[[Request], Response]:
    """The web app as a face of the stack's HTTP server (``http/server.py``, which leaves a HEAD's body out)."""

    def answer(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        status, headers, body = app.handle(method, request.target, dict(request.headers))
        return Response(status, body, list(headers.items()))

    return answer
