"""What of ``web/`` is the app, and its content types: one rule for the local server (``infra/local/http/webapp.py``)
and the deploy (``infra/web_deploy.py``), so the app is the same files with the same types locally and in AWS.

Standard library only: the deploy function imports it in Lambda, where the local stack's dependencies are absent.
"""

from __future__ import annotations

from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "web"
# Explicit rather than ``mimetypes``: its answers depend on the host's /etc/mime.types (.js was text/plain on some).
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
         ".gif": "image/gif", ".ico": "image/x-icon", ".webp": "image/webp", ".woff2": "font/woff2",
         ".txt": "text/plain; charset=utf-8", ".map": "application/json"}
# index.html and config.json change with every deploy and the other names carry no fingerprint: always revalidate.
CACHE_CONTROL = "no-cache"


def is_app_file(relative: str) -> bool:
    """A path under web/ that is served: a known type, no hidden segment (``CONFIG.md``, ``build.sh`` are not)."""
    parts = relative.split("/")
    return all(p and not p.startswith(".") for p in parts) and Path(parts[-1]).suffix in TYPES


def app_files(root: Path = WEB) -> dict[str, Path]:
    """Key (path under root, with ``/``) -> file, for every served file."""
    found = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
    return {key: path for key, path in found.items() if is_app_file(key) and key != "config.json"}
