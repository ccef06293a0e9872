"""The composition root: ``LocalStack`` built from ``Settings``, the order things start and stop in, and
``run`` (what ``make dev`` runs). It knows every part; the parts know only what they are given.

    settings ─▶ LocalStack ─┬─ aws.Emulator (moto + patches) ◀── provision, seed
                            ├─ state.State (mailbox, history, stats) ◀── everything that remembers
                            ├─ runtime.LambdaService (pools, async queue, destinations) ◀── sources (S3, schedules)
                            └─ faces over HTTP: Gateway + LocalRoutes (:3000), InvokeApi (:3001)
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import boto3

from infra import cfn
from infra.local import auth, openapi
from infra.local.aws import provision, seed
from infra.local.aws.browse import DataBrowser
from infra.local.aws.emulator import Emulator
from infra.local.http import oauth, server, webapp
from infra.local.http.gateway import Gateway
from infra.local.http.invoke_api import InvokeApi
from infra.local.http.local_routes import LocalRoutes
from infra.local.http.messages import Request, Response
from infra.local.http.routing import Router
from infra.local.logs import log
from infra.local.runtime.asyncq import Chaos
from infra.local.runtime.reload import CodeVersion
from infra.local.runtime.service import LambdaService
from infra.local.runtime.workers import Result
from infra.local.sam import gateway_config
from infra.local.sam.model import REGION, Function, functions
from infra.local.sam.resolver import Resolver
from infra.local.settings import ROOT, Settings
from infra.local.sources import s3, schedules, ses_events
from infra.local.state import State

STATE_FILE = "state.sqlite3"


def template_with_overrides(settings: Settings) -> dict[str, Any]:
    """The template with parameters as ``sam deploy --parameter-overrides`` would set them: PublicBaseUrl is
    this API (so links in emails work locally), AllowedOrigin the web app's origin, and ``LEEDZ_PARAMETERS``
    sets any other."""
    template = cfn.load(settings.template)
    params = template.get("Parameters") or {}
    local = {"PublicBaseUrl": f"http://127.0.0.1:{settings.api_port}",
             "AllowedOrigin": f"http://127.0.0.1:{settings.web_port}"}
    overrides = {name: value for name, value in local.items() if name in params}
    overrides.update(settings.parameters)
    for name, value in overrides.items():
        if name not in params:
            raise SystemExit(f"LEEDZ_PARAMETERS: the template has no parameter {name!r}")
        params[name] = {**params[name], "Default": value}
    return template


class LocalStack:
    """The running stack: what the HTTP faces' backend protocols ask of it, and nothing they can change."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        self.state = State.at(str(settings.state_dir / STATE_FILE))
        if settings.fresh:
            self.state.reset()
        self.mailbox, self.history = self.state.mailbox, self.state.history
        self.tokens = auth.JwtTokens(self.state.saved.secret("tokens"))
        self.web = webapp.WebApp()
        self.oauth: oauth.LocalOAuth | None = None
        self.functions: dict[str, Function] = {}
        self.router = Router({})
        self.gateway_answers: dict[str, tuple[int, str, dict[str, str]]] = {}
        self.cors_preflight: dict[str, str] | None = None
        self.endpoint = ""
        self._started = time.time()
        self._ready = False
        self._stop = threading.Event()
        self._s3_route = lambda queue, event: False
        self._ses_publish: Any = lambda sent: None
        self.emulator = Emulator(self.mailbox.record, settings.ses_max_send_rate,
                                 lambda queue, event: self._s3_route(queue, event), self.state.saved,
                                 lambda sent: self._ses_publish(sent),
                                 geocoder_down=settings.geocoder_down, forget_user=self._forget_user)
        self.restored: dict[str, int] = {}
        self.lambdas: LambdaService | None = None
        self._openapi: dict[str, Any] | None = None
        self._openapi_lock = threading.Lock()
        self._reset_lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._resolver = Resolver({"Resources": {}})

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        unfinished = self.history.unfinished()  # the last run's, before this one accepts any event of its own
        self.endpoint = self.emulator.start()
        template = template_with_overrides(self.settings)
        resolver = Resolver(template, self.endpoint)
        self.functions = functions(template, self.endpoint)
        self.router = Router(self.functions)
        self.gateway_answers = {kind: gateway_config.gateway_answer(resolver, kind)
                                for kind in gateway_config.GATEWAY_DEFAULTS}
        self.cors_preflight = gateway_config.cors_preflight(resolver)
        api = f"http://127.0.0.1:{self.settings.api_port}"
        client = oauth.registered_client(template, resolver.resolve)  # Cognito's endpoints for the web app
        self.oauth = oauth.LocalOAuth(client, self.tokens.encode, api, self.state.grants) if client else None
        self.web.config = webapp.app_config(api, client, api, self.endpoint, self.endpoint)
        self._clients = {s: boto3.client(s, endpoint_url=self.endpoint, region_name=REGION)
                         for s in ("dynamodb", "sqs", "s3", "ses", "sesv2", "secretsmanager")}
        self._resolver = resolver
        # The console's read-only look at the data, through the same clients as everything the stack does.
        self._browser = DataBrowser(self._clients["dynamodb"], self._clients["s3"])
        code = CodeVersion(ROOT).current if self.settings.reload else (lambda: 0)
        chaos = Chaos(self.settings.retry_delay, self.settings.fault_rate, self.settings.duplicate_rate,
                      self.settings.seed)
        self.lambdas = LambdaService(self.functions, self.history, self._clients["sqs"], self.endpoint,
                                     self.settings.invoke_port, self.settings.concurrency, chaos, code,
                                     self.settings.aws_latency_ms)
        saved = not self.state.saved.empty()
        restored = self._provision(seed_demo=not saved)
        requeued, resumed = self.lambdas.restore(unfinished)
        self.restored = {"items_and_objects": restored, "failure_records": requeued, "events_resumed": resumed}
        schedules.start(self.functions, self.lambdas.submit, self._stop, self.settings.schedule_seconds)
        if self.settings.prewarm:
            self.lambdas.warm()
        self._ready = True

    def _provision(self, seed_demo: bool) -> int:
        """The template's resources in the emulator, then the saved data (how many items and objects) or the
        demo data. S3 events are routed only after the saved objects are in: restoring converts nothing."""
        assert self.lambdas is not None
        self._s3_route = lambda queue, event: False
        tables = provision.create(self._clients, self._resolver, self.functions, self.state.saved.secret)
        restored = 0 if seed_demo else self.emulator.restore()
        self._s3_route = s3.router(set(self.functions), self.lambdas.submit)
        self._ses_publish = ses_events.publisher(ses_events.routes(self._resolver, self.functions), self.lambdas.submit)
        if tables and seed_demo:  # after the S3 route: the demo upload reaches its function like any other
            template = self._resolver.template
            uploads = ("UploadBucket" in template["Resources"] and self._resolver.physical("UploadBucket")) or None
            seed.demo_data(self._clients["dynamodb"], tables[0], self._clients["s3"], uploads)
        return restored

    def reset(self) -> None:
        """Back to the demo data: the emulator emptied, the state forgotten but for the signing keys."""
        with self._reset_lock:
            self._ready = False
            try:
                self.emulator.reset()
                self.state.reset()
                self._provision(seed_demo=True)
            finally:
                self._ready = True

    def stop(self) -> None:
        self._stop.set()
        if self.lambdas is not None:
            self.lambdas.close()
        self.emulator.stop()
        self.state.close()

    # ------------------------------------------------------------------ what the faces ask
    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def pending(self) -> int:
        return self.lambdas.pending if self.lambdas else 0

    def uptime_s(self) -> float:
        return time.time() - self._started

    def invoke(self, name: str, event: Any, request_id: str | None = None) -> Result:
        assert self.lambdas is not None
        return self.lambdas.invoke(name, event, request_id)

    def submit(self, name: str, payload: Any, source: str = "Event") -> str:
        assert self.lambdas is not None
        return self.lambdas.submit(name, payload, source)

    def redrive(self, request_ids: set[str] | None = None) -> int:
        assert self.lambdas is not None
        return self.lambdas.redrive(request_ids)

    def purge(self) -> int:
        assert self.lambdas is not None
        return self.lambdas.purge()

    def sign_in(self, request: Request) -> Response | None:
        """Cognito's managed-login endpoints (``/oauth2/*``, ``/logout``), or None for any other path."""
        if self.oauth is None or request.path not in oauth.PATHS:
            return None
        status, headers, body = self.oauth.handle(request.method, request.path, request.query,
                                                  dict(request.headers), request.body)
        return Response(status, body, list(headers.items()))

    def verify_token(self, header: str | None) -> dict[str, Any] | None:
        """A valid token, unless its user was deleted (Cognito ``AdminDeleteUser``) after it was issued."""
        claims = self.tokens.verify(header)
        deleted = self.state.grants.get("deleted", str((claims or {}).get("cognito:username", "")))
        issued = self.tokens.issued_at(header) if deleted else None
        return None if deleted and (issued is None or issued <= deleted["at"]) else claims

    def _forget_user(self, username: str) -> None:
        self.state.grants.put("deleted", username, {"at": time.time()})
        self.state.grants.forget_user("refresh", username)

    def issue_token(self, username: str, email: str, email_verified: bool = True) -> str:
        return self.tokens.issue(username, email, email_verified)

    def stats(self) -> dict[str, Any]:
        return self.state.stats()

    def openapi(self) -> dict[str, Any]:
        with self._openapi_lock:
            if self._openapi is None:
                self._openapi = openapi.document(self.functions)
            return self._openapi

    def data_items(self, prefix: str, limit: int) -> dict[str, Any]:
        return self._browser.items(prefix, limit)

    def data_objects(self, bucket: str | None, prefix: str, limit: int) -> dict[str, Any]:
        return self._browser.objects(bucket, prefix, limit)


def run(settings: Settings) -> int:
    """Run the stack in the foreground until Ctrl-C (or SIGTERM)."""
    started = time.time()
    stack = LocalStack(settings)
    # Both stop the stack cleanly, even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:  # bind first: a busy port fails at once, and /_local/health answers 503 until ready
        servers = [server.serve(InvokeApi(stack), settings.invoke_port),
                   server.serve(Gateway(stack, LocalRoutes(stack)), settings.api_port),
                   server.serve(webapp.face(stack.web), settings.web_port)]
    except OSError as exc:
        log("local", error=f"cannot listen on {settings.api_port}/{settings.invoke_port}/{settings.web_port}: "
                           f"{exc}; set LEEDZ_PORT/LEEDZ_INVOKE_PORT/LEEDZ_WEB_PORT")
        return 1
    try:
        stack.start()
        log("local", status="ready", api=f"http://127.0.0.1:{settings.api_port}",
            invoke=f"http://127.0.0.1:{settings.invoke_port}", web=f"http://127.0.0.1:{settings.web_port}",
            aws=stack.endpoint, functions=len(stack.functions),
            routes=len(stack.router), settings=settings.describe(),
            state=str(settings.state_dir / STATE_FILE), restored=stack.restored,
            startup_ms=int((time.time() - started) * 1000))
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        log("local", status="stopping")
    finally:
        for srv in servers:
            srv.shutdown()
        stack.stop()
    return 0
