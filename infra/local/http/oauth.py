"""Cognito's managed-login endpoints for the local stack: ``/oauth2/authorize``, ``/oauth2/token``, ``/logout``.

OAuth 2.0 authorization code with PKCE (S256), as Cognito answers it, so the web app's sign-in code is the same
locally and in AWS. The sign-in form asks a username and an email (no password: the local stack trusts whoever
runs it). Codes are single-use and live ``CODE_TTL`` seconds (Cognito: 5 minutes); tokens come from the ``sign``
callable the gateway's authorizer checks. Pure: ``handle(method, path, query, headers, body)`` returns an
``Answer``; the clock is injected. Why not an OAuth library (authlib, oauthlib): a server for one public client
and three endpoints is shorter than its configuration, and the local stack must mimic Cognito's answers exactly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader

from infra import cfn
from shared import base64url

CODE_TTL = 300
TOKEN_TTL = 3600  # Cognito's default id/access token validity
REFRESH_TTL = 30 * 86400
PATHS = ("/oauth2/authorize", "/oauth2/token", "/logout")
_USERNAME = re.compile(r"[\w.@+-]{1,128}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_STYLE = ("body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}"
          "label{display:block;font-weight:600}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}"
          "button{font-size:1rem;padding:.5rem 1.2rem}:focus-visible{outline:3px solid #1a56db;outline-offset:2px}"
          ".error,[role=alert]{color:#9b1c1c}")
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Client:
    """The registered app client: what Cognito checks every request against."""

    client_id: str
    callback_urls: tuple[str, ...]
    logout_urls: tuple[str, ...]
    scopes: tuple[str, ...]

    @property
    def origins(self) -> set[str]:
        return {origin(url) for url in self.callback_urls + self.logout_urls}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def registered_client(template: dict[str, Any], resolve: Callable[[Any], Any]) -> Client | None:
    """The template's first ``AWS::Cognito::UserPoolClient`` with OAuth flows, its values resolved (``resolve``
    turns intrinsics into local values); None if there is none."""
    for logical, props in cfn.resources("AWS::Cognito::UserPoolClient", template).items():
        if "code" in (props.get("AllowedOAuthFlows") or []):
            return Client(str(resolve({"Ref": logical})), tuple(resolve(props.get("CallbackURLs") or [])),
                          tuple(resolve(props.get("LogoutURLs") or [])), tuple(props.get("AllowedOAuthScopes") or []))
    return None


@cache
def _page() -> Any:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=True)
    return env.get_template("signin.html")


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, {"Content-Type": "application/json;charset=UTF-8", "Cache-Control": "no-store",
                           "Pragma": "no-cache", **(headers or {})}, json.dumps(body).encode())


def _redirect(url: str, params: dict[str, str]) -> Answer:
    query = urlencode({k: v for k, v in params.items() if v})
    return Answer(302, {"Location": f"{url}{'&' if '?' in url else '?'}{query}", "Cache-Control": "no-store"}, b"")


class GrantStore(Protocol):
    """Where codes and refresh tokens are kept (``state/grants.py``): the endpoints keep no state of their own."""

    def put(self, kind: str, token: str, value: dict[str, Any]) -> None: ...

    def get(self, kind: str, token: str) -> dict[str, Any] | None: ...

    def take(self, kind: str, token: str) -> dict[str, Any] | None: ...


class LocalOAuth:
    def __init__(self, client: Client, sign: Callable[[dict[str, Any]], str], issuer: str, grants: GrantStore,
                 clock: Callable[[], float] = time.time) -> None:
        self.client, self._sign, self._issuer, self._grants, self._clock = client, sign, issuer, grants, clock

    def handle(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Answer:
        params = dict(parse_qsl(query, keep_blank_values=True))
        lower = {k.lower(): v for k, v in headers.items()}
        if path == "/oauth2/authorize" and method in ("GET", "POST"):
            form = dict(parse_qsl(body.decode("utf-8", "replace"))) if method == "POST" else {}
            return self._authorize({**params, **form}, method == "POST")
        if path == "/oauth2/token":
            return self._cors(lower, self._token(method, lower, body))
        if path == "/logout" and method == "GET":
            return self._logout(params)
        return Answer(405, {"Allow": "GET, POST", "Content-Type": "text/plain"}, b"Method not allowed")

    # ------------------------------------------------------------------ authorize
    def _authorize(self, p: dict[str, str], submitted: bool) -> Answer:
        if p.get("client_id") != self.client.client_id:
            return self._html(400, fatal="Unknown client_id: this app is not registered with the user pool.")
        redirect = p.get("redirect_uri", "")
        if redirect not in self.client.callback_urls:
            return self._html(400, fatal="redirect_mismatch: redirect_uri is not a callback URL of this client.")
        state = p.get("state", "")
        scopes = p.get("scope", " ".join(self.client.scopes)).split()
        if p.get("response_type") != "code":
            return _redirect(redirect, {"error": "unsupported_response_type", "state": state})
        if not set(scopes) <= set(self.client.scopes):
            return _redirect(redirect, {"error": "invalid_scope", "state": state})
        if p.get("code_challenge_method") != "S256" or not re.fullmatch(r"[\w-]{43,128}", p.get("code_challenge", "")):
            return _redirect(redirect, {"error": "invalid_request", "error_description": "PKCE S256 is required",
                                        "state": state})
        hidden = {k: p.get(k, "") for k in ("response_type", "client_id", "redirect_uri", "state", "scope",
                                             "code_challenge", "code_challenge_method")}
        username, email = p.get("username", "").strip(), p.get("email", "").strip()
        if not submitted:
            return self._html(200, hidden=hidden, form_action=origin(redirect))
        errors = {}
        if not _USERNAME.fullmatch(username):
            errors["username"] = "Enter a username: 1 to 128 letters, digits or . _ @ + -"
        if not _EMAIL.fullmatch(email):
            errors["email"] = "Enter an email address like name@example.com"
        if errors:  # the page again, with the messages: 200 as Cognito's managed login answers a failed sign-in
            return self._html(200, hidden=hidden, form_action=origin(redirect), errors=errors,
                              username=username, email=email)
        code = secrets.token_urlsafe(32)
        self._grants.put("code", code, {"redirect_uri": redirect, "challenge": p["code_challenge"],
                                        "username": username, "email": email, "scope": " ".join(scopes),
                                        "expires": self._clock() + CODE_TTL})
        return _redirect(redirect, {"code": code, "state": state})

    def _html(self, status: int, form_action: str = "", **context: Any) -> Answer:
        context = {"fatal": "", "errors": {}, "hidden": {}, "username": "", "email": "", "style": _STYLE, **context}
        csp = (f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self' {form_action}; "
               "base-uri 'none'; frame-ancestors 'none'")
        return Answer(status, {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": csp.strip(),
                               "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                               "Cache-Control": "no-store"}, _page().render(context).encode())

    # ------------------------------------------------------------------ token
    def _token(self, method: str, headers: dict[str, str], body: bytes) -> Answer:
        if method == "OPTIONS":
            return Answer(204, {"Access-Control-Allow-Methods": "POST", "Access-Control-Max-Age": "600",
                                "Access-Control-Allow-Headers": "Content-Type, Authorization"}, b"")
        if method != "POST":
            return Answer(405, {"Allow": "POST", "Content-Type": "text/plain"}, b"Method not allowed")
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return _json(400, {"error": "invalid_request"})
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        if form.get("client_id") != self.client.client_id:
            return _json(400, {"error": "invalid_client"})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange(form)
        if grant == "refresh_token":
            session = self._grants.get("refresh", form.get("refresh_token", ""))
            if session is None or session["expires"] < self._clock():
                return _json(400, {"error": "invalid_grant"})
            return _json(200, self._tokens(session, refresh=None))
        return _json(400, {"error": "unsupported_grant_type"})

    def _exchange(self, form: dict[str, str]) -> Answer:
        if not all(form.get(k) for k in ("code", "redirect_uri", "code_verifier")):
            return _json(400, {"error": "invalid_request"})
        grant = self._grants.take("code", form["code"])  # spent by its first use, right or wrong
        if grant is None or grant["expires"] < self._clock() or grant["redirect_uri"] != form["redirect_uri"]:
            return _json(400, {"error": "invalid_grant"})
        digest = hashlib.sha256(form["code_verifier"].encode()).digest()
        if not secrets.compare_digest(base64url.encode(digest), grant["challenge"]):
            return _json(400, {"error": "invalid_grant"})
        refresh = secrets.token_urlsafe(48)
        session = {k: grant[k] for k in ("username", "email", "scope")}
        self._grants.put("refresh", refresh, {**session, "expires": self._clock() + REFRESH_TTL})
        return _json(200, self._tokens(session, refresh))

    def _tokens(self, session: dict[str, Any], refresh: str | None) -> dict[str, Any]:
        now = int(self._clock())
        sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"leedz-local:{session['username']}"))
        common = {"sub": sub, "iss": self._issuer, "iat": now, "auth_time": now, "exp": now + TOKEN_TTL}
        answer = {
            "id_token": self._sign({**common, "aud": self.client.client_id, "token_use": "id",
                                    "cognito:username": session["username"], "email": session["email"],
                                    "email_verified": True}),
            "access_token": self._sign({**common, "client_id": self.client.client_id, "token_use": "access",
                                        "scope": session["scope"], "username": session["username"]}),
            "expires_in": TOKEN_TTL, "token_type": "Bearer"}
        return {**answer, "refresh_token": refresh} if refresh else answer

    def _cors(self, headers: dict[str, str], answer: Answer) -> Answer:
        """The token endpoint is called by ``fetch`` from the app's origin: allow exactly the client's origins."""
        if headers.get("origin") in self.client.origins:
            answer.headers.update({"Access-Control-Allow-Origin": headers["origin"], "Vary": "Origin"})
        return answer

    # ------------------------------------------------------------------ logout
    def _logout(self, p: dict[str, str]) -> Answer:
        if p.get("client_id") != self.client.client_id:
            return self._html(400, fatal="Unknown client_id: this app is not registered with the user pool.")
        if p.get("logout_uri") not in self.client.logout_urls:
            return self._html(400, fatal="logout_uri is not a sign-out URL of this client.")
        return Answer(302, {"Location": p["logout_uri"], "Cache-Control": "no-store"}, b"")
