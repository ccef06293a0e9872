"""The web app's local server without a socket (infra/local/http/webapp.py) and the file rule it shares with the
deploy (infra/web_files.py), on a small web/ of its own."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from infra.local.http.messages import Request
from infra.local.http.oauth import Client
from infra.local.http.server import refusal
from infra.local.http.webapp import WebApp, app_config, content_security_policy, face
from infra.web_files import app_files

LOCAL = {"Host": "127.0.0.1:3002"}
CLIENT = Client("c1", ("http://127.0.0.1:3002/auth/callback",), ("http://127.0.0.1:3002/",), ("openid", "email"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "js").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    (tmp_path / "js" / "main.js").write_text("export const x = 1;\n" * 100)
    (tmp_path / "CONFIG.md").write_text("notes")
    (tmp_path / ".env").write_text("SECRET=1")
    (tmp_path.parent / "outside.js").write_text("no")
    return tmp_path


@pytest.fixture
def app(root: Path) -> WebApp:
    app = WebApp(root)
    app.config = app_config("http://127.0.0.1:3000", CLIENT, "http://127.0.0.1:3000", "http://127.0.0.1:5000/b",
                            "http://127.0.0.1:5000")
    return app


def test_config_has_the_agreed_shape():
    config = app_config("http://127.0.0.1:3000/", CLIENT, "http://127.0.0.1:3000", "http://127.0.0.1:5000/up",
                        "http://127.0.0.1:5000")
    assert config == {
        "api": "http://127.0.0.1:3000",
        "auth": {"authorize": "http://127.0.0.1:3000/oauth2/authorize", "token": "http://127.0.0.1:3000/oauth2/token",
                 "logout": "http://127.0.0.1:3000/logout", "client_id": "c1",
                 "redirect_uri": "http://127.0.0.1:3002/auth/callback", "logout_uri": "http://127.0.0.1:3002/",
                 "scope": "openid email"},
        "uploads_origin": "http://127.0.0.1:5000", "thumbnails_origin": "http://127.0.0.1:5000"}
    assert app_config("http://a", None, "http://a", "http://s", "http://s")["auth"] is None


def test_csp_allows_only_the_stacks_origins():
    config = app_config("https://api.example/Prod", CLIENT, "https://auth.example", "https://up.example",
                        "https://thumbs.example")
    csp = content_security_policy(config)
    assert ("connect-src 'self' https://api.example https://auth.example https://up.example https://thumbs.example;"
            in csp)
    assert "img-src 'self' https://thumbs.example;" in csp and "unsafe" not in csp


@pytest.mark.parametrize("path", ["/", "/leeds/L1", "/me/leeds", "/unsubscribe?token=a.b", "/auth/callback?code=1"])
def test_deep_links_answer_the_app(app, path):
    answer = app.handle("GET", path, LOCAL)
    assert answer.status == 200 and answer.body.startswith(b"<!doctype html>")
    assert answer.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


@pytest.mark.parametrize("path", ["/nope.js", "/CONFIG.md", "/.env", "/../outside.js", "/js/../../outside.js",
                                  "/%2e%2e/outside.js", "/js/main.js%00.html"])
def test_missing_hidden_and_outside_files_are_404(app, path):
    answer = app.handle("GET", path, LOCAL)
    assert answer.status == 404 and answer.headers["X-Content-Type-Options"] == "nosniff"


def test_gzip_etag_and_head(app):
    plain = app.handle("GET", "/js/main.js", LOCAL)
    assert plain.headers["Content-Type"] == "text/javascript; charset=utf-8" and "Content-Encoding" not in plain.headers
    zipped = app.handle("GET", "/js/main.js", {**LOCAL, "Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.body) == plain.body
    assert len(zipped.body) < len(plain.body)
    assert app.handle("GET", "/js/main.js", {**LOCAL, "If-None-Match": plain.headers["ETag"]}).status == 304
    head = app.handle("HEAD", "/js/main.js", LOCAL)
    assert head.body == b"" and head.headers["Content-Length"] == str(len(plain.body))


def test_config_json_is_generated_and_503_until_the_stack_is_up(root, app):
    assert json.loads(app.handle("GET", "/config.json", LOCAL).body)["auth"]["client_id"] == "c1"
    assert WebApp(root).handle("GET", "/config.json", LOCAL).status == 503


@pytest.mark.parametrize(("host", "status"), [("127.0.0.1:3002", 200), ("localhost:3002", 200), ("[::1]:3002", 200),
                                              ("evil.example", 403), ("127.0.0.1.evil.example", 403), ("", 403)])
def test_only_loopback_hosts(app, host, status):
    """The server every local port runs (``http/server.py``) answers loopback host names only."""
    request = Request("GET", "/", (("Host", host),))
    assert (refusal(request) or face(app)(request)).status == status


def test_only_reads(app):
    answer = app.handle("POST", "/", LOCAL)
    assert answer.status == 405 and answer.headers["Allow"] == "GET, HEAD"


def test_the_deploy_ships_what_the_server_serves(root):
    assert sorted(app_files(root)) == ["index.html", "js/main.js"]
