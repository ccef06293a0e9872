"""The console's static files (``GET /_local/``): ``http/console/`` served beneath ``/_local/``, with the web
app's vendored Preact+htm module (one copy in the repository) at ``/_local/console/vendor/preact-htm.js``.

Every answer carries a CSP with nothing inline and connections only to this origin; an email's HTML is served
by ``email_page`` with a policy of its own (``sandbox``, no script at all), for the console's sandboxed frame.
"""

from __future__ import annotations

from pathlib import Path

from infra.local.http.messages import Response
from infra.web_files import CACHE_CONTROL, TYPES, WEB, is_app_file

ROOT = Path(__file__).parent / "console"
VENDOR = {"console/vendor/preact-htm.js": WEB / "vendor" / "preact-htm.js"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
# An email as its recipient's mail client would show it: its own inline styles and inline images, never a
# script, a form or a fetch; ``sandbox`` gives it an opaque origin even if opened outside the frame.
EMAIL_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
             "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin", "Cache-Control": CACHE_CONTROL}


def _file(path: str) -> Path | None:
    """The file ``/_local/<name>`` names: ``index.html`` for ``/_local/``, else a served file under ROOT."""
    name = path.removeprefix("/_local/")
    if name in ("", "index.html"):
        return ROOT / "index.html"
    if name in VENDOR:
        return VENDOR[name]
    if not name.startswith("console/") or not is_app_file(name) or "\\" in name:
        return None
    file = ROOT.joinpath(*name.removeprefix("console/").split("/")).resolve()
    return file if file.is_relative_to(ROOT) and file.is_file() else None


def serve(path: str) -> Response | None:
    """The console file at ``path``, or None when there is none (the caller answers 404)."""
    file = _file(path)
    if file is None:
        return None
    return Response(200, file.read_bytes(), [("Content-Type", TYPES[file.suffix]), *SECURITY.items(),
                                             ("X-Frame-Options", "DENY"), ("Content-Security-Policy", CSP)])


def email_page(html: str) -> Response:
    return Response(200, html.encode(), [("Content-Type", TYPES[".html"]), *SECURITY.items(),
                                         ("Content-Security-Policy", EMAIL_CSP)])
