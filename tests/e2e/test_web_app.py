"""Issue 12 over HTTP: the web app's server on its own origin, sign-in by authorization code with PKCE on the API
port (Cognito's endpoints), and what a browser needs from S3 (CORS). What only a browser checks is in
tests/browser; here are the answers a browser gets."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import secrets
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.e2e.test_marketplace_flow import auth, emails_for, post_leed


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


@pytest.fixture(scope="module")
def config(stack) -> dict:
    resp = requests.get(f"{stack.web}/config.json", timeout=10)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-cache"
    return resp.json()


def _authorize(config: dict, challenge: str, state: str = "s-1") -> dict[str, str]:
    a = config["auth"]
    return {"response_type": "code", "client_id": a["client_id"], "redirect_uri": a["redirect_uri"],
            "state": state, "scope": a["scope"], "code_challenge": challenge, "code_challenge_method": "S256"}


def _sign_in(config: dict, username: str, challenge: str, state: str = "s-1") -> str:
    """The form a person fills in: GET it, POST it back with its hidden fields; the code from the redirect."""
    page = requests.get(config["auth"]["authorize"], params=_authorize(config, challenge, state), timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html"), page.text
    fields = re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.text)
    hidden = {unescape(name): unescape(value) for name, value in fields}
    resp = requests.post(config["auth"]["authorize"], data={**hidden, "username": username,
                                                            "email": f"{username}@example.com"},
                         allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    location = urlsplit(resp.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == config["auth"]["redirect_uri"]
    query = parse_qs(location.query)
    assert query["state"] == [state]
    return query["code"][0]


def _token(stack, config: dict, code: str, verifier: str) -> requests.Response:
    return requests.post(config["auth"]["token"], timeout=10, headers={"Origin": stack.web}, data={
        "grant_type": "authorization_code", "client_id": config["auth"]["client_id"], "code": code,
        "redirect_uri": config["auth"]["redirect_uri"], "code_verifier": verifier})


def test_config_names_the_running_stack(stack, config):
    assert config["api"] == stack.api
    assert config["auth"]["authorize"] == f"{stack.api}/oauth2/authorize"
    assert config["auth"]["redirect_uri"] == f"{stack.web}/auth/callback"
    assert config["auth"]["logout_uri"] == f"{stack.web}/"
    assert config["uploads_origin"] == config["thumbnails_origin"] == stack.aws


def test_sign_in_with_pkce_then_call_the_api_with_the_id_token(stack, config):
    verifier, challenge = _pkce()
    code = _sign_in(config, "webby", challenge, state="<x>&y")

    resp = _token(stack, config, code, verifier)

    assert resp.status_code == 200, resp.text
    assert resp.headers["Access-Control-Allow-Origin"] == stack.web  # the app calls it cross-origin
    tokens = resp.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600 and tokens["refresh_token"]
    payload = tokens["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["cognito:username"] == "webby" and claims["email"] == "webby@example.com"
    assert claims["token_use"] == "id" and claims["aud"] == config["auth"]["client_id"]
    me = requests.get(f"{stack.api}/users/me", headers={"Authorization": f"Bearer {tokens['id_token']}",
                                                       "Origin": stack.web}, timeout=30)
    assert me.status_code == 200 and me.json()["username"] == "webby"
    assert me.headers["Access-Control-Allow-Origin"] == stack.web
    # The access token is not what a Cognito authorizer without scopes takes; the id token is.
    denied = requests.get(f"{stack.api}/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"},
                          timeout=30)
    assert denied.status_code == 401
    refreshed = requests.post(config["auth"]["token"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": config["auth"]["client_id"],
        "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200 and "refresh_token" not in refreshed.json()


def test_a_wrong_verifier_or_a_reused_code_is_invalid_grant(stack, config):
    verifier, challenge = _pkce()
    code = _sign_in(config, "mallory", challenge)
    wrong = _token(stack, config, code, _pkce()[0])
    assert wrong.status_code == 400 and wrong.json() == {"error": "invalid_grant"}

    verifier, challenge = _pkce()
    code = _sign_in(config, "mallory", challenge)
    assert _token(stack, config, code, verifier).status_code == 200
    again = _token(stack, config, code, verifier)
    assert again.status_code == 400 and again.json() == {"error": "invalid_grant"}


def test_authorize_refuses_an_unregistered_redirect_without_redirecting(stack, config):
    params = {**_authorize(config, _pkce()[1]), "redirect_uri": "https://evil.example/cb"}
    resp = requests.get(config["auth"]["authorize"], params=params, allow_redirects=False, timeout=10)
    assert resp.status_code == 400 and "Location" not in resp.headers
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_logout_redirects_to_a_registered_sign_out_url_only(stack, config):
    a = config["auth"]
    ok = requests.get(a["logout"], params={"client_id": a["client_id"], "logout_uri": a["logout_uri"]},
                      allow_redirects=False, timeout=10)
    assert ok.status_code == 302 and ok.headers["Location"] == a["logout_uri"]
    bad = requests.get(a["logout"], params={"client_id": a["client_id"], "logout_uri": "https://evil.example/"},
                       allow_redirects=False, timeout=10)
    assert bad.status_code == 400 and "Location" not in bad.headers


@pytest.mark.parametrize("path", ["/", "/leeds/L123", "/post", "/me", "/me/leeds", "/notifications",
                                  "/unsubscribe?token=abc", "/auth/callback?code=x&state=y"])
def test_every_deep_link_is_the_app(stack, path):
    resp = requests.get(f"{stack.web}{path}", timeout=10)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<div id="app">' in resp.text
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert stack.api in csp.split("connect-src")[1] and stack.aws in csp.split("img-src")[1]
    assert resp.headers["X-Content-Type-Options"] == "nosniff" and resp.headers["Referrer-Policy"] == "no-referrer"


def test_assets_have_their_types_gzip_and_revalidation_and_missing_ones_are_404(stack):
    js = requests.get(f"{stack.web}/js/main.js", timeout=10, headers={"Accept-Encoding": "gzip"})
    assert js.status_code == 200 and js.headers["Content-Type"] == "text/javascript; charset=utf-8"
    raw = requests.get(f"{stack.web}/vendor/preact-htm.js", timeout=10, stream=True,
                       headers={"Accept-Encoding": "gzip"})
    assert raw.headers["Content-Encoding"] == "gzip" and raw.headers["Vary"] == "Accept-Encoding"
    body = gzip.decompress(raw.raw.read())
    plain = requests.get(f"{stack.web}/vendor/preact-htm.js", timeout=10, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.content == body
    assert int(raw.headers["Content-Length"]) < len(body)
    again = requests.get(f"{stack.web}/js/main.js", headers={"If-None-Match": js.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and not again.content
    assert requests.get(f"{stack.web}/favicon.svg", timeout=10).headers["Content-Type"] == "image/svg+xml"
    for missing in ("/nope.js", "/CONFIG.md", "/vendor/build.sh", "/../pyproject.toml", "/%2e%2e/README.md"):
        assert requests.get(f"{stack.web}{missing}", timeout=10).status_code == 404, missing


def test_only_loopback_host_names_are_answered(stack):
    resp = requests.get(f"{stack.web}/config.json", headers={"Host": "attacker.example"}, timeout=10)
    assert resp.status_code == 403
    assert requests.get(stack.web.replace("127.0.0.1", "localhost") + "/", timeout=10).status_code == 200


def test_the_upload_bucket_takes_a_browsers_post_from_the_app_origin_only(stack):
    leed = post_leed(stack, days=33).json()
    created = requests.post(f"{stack.api}/leeds/{leed['id']}/attachments", headers=auth(stack, "alice"),
                            json={"filename": "a.png", "content_type": "image/png"}, timeout=30).json()
    upload = created["upload"]
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = requests.options(upload["url"], headers={"Origin": stack.web, **preflight}, timeout=10)
    assert ok.status_code == 200 and ok.headers["Access-Control-Allow-Origin"] == stack.web
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    other = requests.options(upload["url"], headers={"Origin": "https://evil.example", **preflight}, timeout=10)
    assert other.status_code == 403 and "Access-Control-Allow-Origin" not in other.headers
    sent = requests.post(upload["url"], data=upload["fields"], headers={"Origin": stack.web}, timeout=30,
                         files={"file": ("a.png", b"\x89PNG\r\n\x1a\n not really")})
    assert sent.status_code == 204 and sent.headers["Access-Control-Allow-Origin"] == stack.web


def test_the_leed_link_in_an_email_opens_the_app(stack):
    headers = auth(stack, "wendy")
    assert requests.put(f"{stack.api}/users/me/subscriptions/face-painting", headers=headers, timeout=30).ok
    leed = post_leed(stack, trade="face-painting", days=17).json()
    stack.wait_idle()
    [email] = [e for e in emails_for(stack, leed["id"]) if e["to"] == ["wendy@example.com"]]
    assert f"{stack.web}/leeds/{leed['id']}" in email["text"]
    assert requests.get(f"{stack.web}/leeds/{leed['id']}", timeout=10).status_code == 200
