"""The local stack's Cognito endpoints without HTTP (infra/local/http/oauth.py): PKCE, single-use codes that
expire, Cognito's error answers, the form's escaping and CSP, the token's claims."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from infra import cfn
from infra.local.auth import JwtTokens
from infra.local.http.oauth import CODE_TTL, Client, LocalOAuth, registered_client
from infra.local.sam.resolver import Resolver
from infra.local.state import State

APP = "http://127.0.0.1:3002"
CLIENT = Client("web-client", (f"{APP}/auth/callback",), (f"{APP}/",), ("openid", "email", "profile"))
VERIFIER = "v" * 50
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tokens(clock: Clock) -> JwtTokens:
    return JwtTokens(b"k" * 32, clock=clock)


@pytest.fixture
def oauth(tokens: JwtTokens, clock: Clock) -> LocalOAuth:
    return LocalOAuth(CLIENT, tokens.encode, "http://127.0.0.1:3000", State().grants, clock=clock)


def _params(**overrides: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": CLIENT.client_id, "redirect_uri": CLIENT.callback_urls[0],
            "state": "st", "scope": "openid email", "code_challenge": CHALLENGE, "code_challenge_method": "S256",
            **overrides}


def _code(oauth: LocalOAuth, username: str = "ana", **overrides: str) -> str:
    form = {**_params(**overrides), "username": username, "email": f"{username}@example.com"}
    answer = oauth.handle("POST", "/oauth2/authorize", "", FORM, urlencode(form).encode())
    assert answer.status == 302, answer.body
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def _token(oauth: LocalOAuth, code: str, verifier: str = VERIFIER, **overrides: str):
    form = {"grant_type": "authorization_code", "client_id": CLIENT.client_id, "code": code,
            "redirect_uri": CLIENT.callback_urls[0], "code_verifier": verifier, **overrides}
    return oauth.handle("POST", "/oauth2/token", "", {**FORM, "Origin": APP}, urlencode(form).encode())


def test_the_form_is_escaped_labelled_and_posts_back_what_it_was_given(oauth):
    answer = oauth.handle("GET", "/oauth2/authorize", urlencode(_params(state='"><script>x()</script>')), {}, b"")
    page = answer.body.decode()
    assert answer.status == 200 and "<script>" not in page
    assert unescape(re.search(r'name="state" value="([^"]*)"', page).group(1)) == '"><script>x()</script>'
    assert '<label for="username">' in page and '<label for="email">' in page
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and f"form-action 'self' {APP}" in csp


def test_a_signed_in_user_gets_cognito_shaped_tokens_the_authorizer_accepts(oauth, tokens):
    answer = _token(oauth, _code(oauth))
    assert answer.status == 200 and answer.headers["Access-Control-Allow-Origin"] == APP
    body = json.loads(answer.body)
    assert set(body) == {"id_token", "access_token", "refresh_token", "expires_in", "token_type"}
    claims = tokens.verify(f"Bearer {body['id_token']}")
    assert claims["cognito:username"] == "ana" and claims["email"] == "ana@example.com"
    assert claims["aud"] == CLIENT.client_id and claims["token_use"] == "id"
    assert tokens.verify(f"Bearer {body['access_token']}") is None  # an id token is what the API takes


def test_codes_are_single_use_bound_to_the_verifier_and_expire(oauth, clock):
    code = _code(oauth)
    assert json.loads(_token(oauth, code, verifier="w" * 50).body) == {"error": "invalid_grant"}
    assert _token(oauth, code).status == 400  # spent by the wrong attempt
    code = _code(oauth)
    assert _token(oauth, code).status == 200
    assert json.loads(_token(oauth, code).body) == {"error": "invalid_grant"}
    code = _code(oauth)
    clock.now += CODE_TTL + 1
    assert json.loads(_token(oauth, code).body) == {"error": "invalid_grant"}
    code = _code(oauth)
    assert _token(oauth, code, redirect_uri=f"{APP}/other").status == 400


def test_expired_id_tokens_are_refused_and_a_refresh_token_renews_them(oauth, tokens, clock):
    body = json.loads(_token(oauth, _code(oauth)).body)
    clock.now += 3601
    assert tokens.verify(f"Bearer {body['id_token']}") is None
    form = {"grant_type": "refresh_token", "client_id": CLIENT.client_id, "refresh_token": body["refresh_token"]}
    renewed = json.loads(oauth.handle("POST", "/oauth2/token", "", FORM, urlencode(form).encode()).body)
    assert tokens.verify(f"Bearer {renewed['id_token']}")["cognito:username"] == "ana"


@pytest.mark.parametrize(("form", "headers", "error"), [
    ({"grant_type": "authorization_code", "client_id": "other"}, FORM, "invalid_client"),
    ({"grant_type": "password", "client_id": CLIENT.client_id}, FORM, "unsupported_grant_type"),
    ({"grant_type": "authorization_code", "client_id": CLIENT.client_id}, FORM, "invalid_request"),
    ({"grant_type": "authorization_code", "client_id": CLIENT.client_id}, {"Content-Type": "application/json"},
     "invalid_request"),
])
def test_token_errors_are_cognitos(oauth, form, headers, error):
    answer = oauth.handle("POST", "/oauth2/token", "", headers, urlencode(form).encode())
    assert answer.status == 400 and json.loads(answer.body) == {"error": error}
    assert answer.headers["Cache-Control"] == "no-store"


def test_authorize_never_redirects_to_an_unregistered_uri_and_reports_other_errors_to_the_app(oauth):
    for bad in (_params(client_id="nope"), _params(redirect_uri="https://evil.example/cb")):
        answer = oauth.handle("GET", "/oauth2/authorize", urlencode(bad), {}, b"")
        assert answer.status == 400 and "Location" not in answer.headers
    for bad, error in ((_params(response_type="token"), "unsupported_response_type"),
                       (_params(scope="openid aws.cognito.signin.user.admin"), "invalid_scope"),
                       (_params(code_challenge_method="plain"), "invalid_request")):
        answer = oauth.handle("GET", "/oauth2/authorize", urlencode(bad), {}, b"")
        query = parse_qs(urlsplit(answer.headers["Location"]).query)
        assert answer.status == 302 and query["error"] == [error] and query["state"] == ["st"]


def test_invalid_form_input_is_shown_next_to_its_field(oauth):
    form = {**_params(), "username": "has space", "email": "nope"}
    answer = oauth.handle("POST", "/oauth2/authorize", "", FORM, urlencode(form).encode())
    page = answer.body.decode()
    assert answer.status == 200 and 'aria-describedby="username-error"' in page and 'id="email-error"' in page
    assert "Location" not in answer.headers
    assert 'value="has space"' in page


def test_logout_only_to_a_registered_uri(oauth):
    def logout(uri: str):
        return oauth.handle("GET", "/logout", urlencode({"client_id": CLIENT.client_id, "logout_uri": uri}), {}, b"")

    ok = logout(f"{APP}/")
    assert ok.status == 302 and ok.headers["Location"] == f"{APP}/"
    assert logout("https://x/").status == 400


def test_the_registered_client_is_the_templates_resolved_for_the_local_app():
    template = json.loads(json.dumps(cfn.load()))
    template["Parameters"]["AllowedOrigin"]["Default"] = APP
    client = registered_client(template, Resolver(template).resolve)
    assert client.callback_urls == (f"{APP}/auth/callback",) and client.logout_urls == (f"{APP}/",)
    assert client.scopes == ("openid", "email", "profile") and client.origins == {APP}


def test_local_tokens_are_jwt_shaped_and_the_older_form_still_verifies(tokens, clock):
    token = tokens.issue("zoe", "zoe@example.com")
    header, _payload, signature = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "=="))["alg"] == "HS256"
    assert tokens.verify(f"Bearer {token}") == {"cognito:username": "zoe", "email": "zoe@example.com",
                                                 "email_verified": True}
    forged = json.dumps({"cognito:username": "admin", "email": "a@b.c", "exp": clock.now + 60}).encode()
    assert tokens.verify(f"Bearer {header}.{base64.urlsafe_b64encode(forged).decode().rstrip('=')}.{signature}") is None
    assert JwtTokens(b"x" * 32, clock=clock).verify(f"Bearer {token}") is None  # another run's secret
    older = super(JwtTokens, tokens).issue("zoe", "zoe@example.com")  # body.sig, what clients may still hold
    assert tokens.verify(f"Bearer {older}") == {"cognito:username": "zoe", "email": "zoe@example.com",
                                                 "email_verified": True}
    clock.now += 13 * 3600
    assert tokens.verify(f"Bearer {token}") is None
