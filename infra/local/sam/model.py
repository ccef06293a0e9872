"""The template's functions as the local stack runs them: routes, env vars, async config and event sources.

Everything is read from ``infra/template.yaml`` at start-up (never a hard-coded function list), and
``Ref``/``GetAtt``/``Sub`` are resolved to the local physical names, as CloudFormation would on deploy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infra import cfn
from infra.local.sam.resolver import ACCOUNT, REGION, Resolver

__all__ = ["ACCOUNT", "REGION", "Destination", "Function", "Route", "function_name", "functions"]

DEFAULT_RETRIES = 2  # Lambda's defaults for async invocations without an EventInvokeConfig
DEFAULT_MAX_AGE = 6 * 3600


@dataclass(frozen=True)
class Route:
    method: str  # upper case, or ANY
    path: str  # template path with {params}
    public: bool


@dataclass(frozen=True)
class Destination:
    kind: str  # SQS | Lambda | SNS | EventBridge
    target: str  # resolved ARN

    @property
    def name(self) -> str:
        """The queue's or function's name: the ARN's last part."""
        return self.target.rsplit(":", 1)[-1]


@dataclass
class Function:
    name: str
    module: str
    attr: str
    timeout: int
    memory: int
    env: dict[str, str]
    routes: list[Route] = field(default_factory=list)
    schedules: list[str] = field(default_factory=list)
    s3_events: list[dict[str, Any]] = field(default_factory=list)  # {"bucket", "events", "filter"}
    sns_topics: list[str] = field(default_factory=list)  # topics (as Ref resolves them) it is subscribed to
    retries: int = DEFAULT_RETRIES
    max_age: int = DEFAULT_MAX_AGE
    on_failure: Destination | None = None
    on_success: Destination | None = None
    runtime: str = "python3.12"
    architecture: str = "x86_64"
    handler: str = ""  # as the template writes it: ``handlers/add_leed.handler``
    reserved: int | None = None  # ReservedConcurrentExecutions: at most this many run at once (None: no limit)
    alias: str | None = None  # AutoPublishAlias: a qualifier the Invoke API accepts besides $LATEST
    has_invoke_config: bool = False  # the template gives an EventInvokeConfig (GetFunctionEventInvokeConfig)

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.name}"


def function_name(name_or_arn: str) -> str:
    """``EmailController`` from itself or from an ARN naming it (optionally with a qualifier), as Lambda's
    APIs accept either."""
    if ":function:" in name_or_arn:
        name_or_arn = name_or_arn.split(":function:", 1)[1]
    return name_or_arn.split(":", 1)[0]


def _destination(config: dict[str, Any], resolver: Resolver) -> Destination | None:
    if not config:
        return None
    return Destination(kind=config.get("Type", "SQS"), target=str(resolver.resolve(config.get("Destination"))))


def _events(fn: Function, events: dict[str, Any], resolver: Resolver) -> None:
    for event in events.values():
        props = event.get("Properties") or {}
        kind = event.get("Type")
        if kind == "Api":
            auth = props.get("Auth") or {}
            fn.routes.append(Route(method=str(props["Method"]).upper(), path=props["Path"],
                                   public=auth.get("Authorizer") == "NONE"))
        elif kind == "Schedule" and props.get("Enabled", True) is not False:
            fn.schedules.append(str(props["Schedule"]))
        elif kind == "SNS":
            fn.sns_topics.append(str(resolver.resolve(props["Topic"])))
        elif kind == "S3":
            bucket = props["Bucket"]
            fn.s3_events.append({
                "bucket": resolver.resolve(bucket),
                "events": props["Events"] if isinstance(props["Events"], list) else [props["Events"]],
                "filter": resolver.resolve(props.get("Filter")),
            })


def functions(template: dict[str, Any] | None = None, endpoint: str = "http://127.0.0.1:5000") -> dict[str, Function]:
    """Logical id -> Function, with Globals merged and every value resolved to local names."""
    template = template or cfn.load()
    resolver = Resolver(template, endpoint)
    glob = (template.get("Globals") or {}).get("Function") or {}
    found: dict[str, Function] = {}
    for name, res in template["Resources"].items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        props = res.get("Properties") or {}
        module, _, attr = props["Handler"].rpartition(".")
        env = {**((glob.get("Environment") or {}).get("Variables") or {}),
               **((props.get("Environment") or {}).get("Variables") or {})}
        fn = Function(
            name=name,
            module=module.replace("/", "."),
            attr=attr,
            timeout=int(props.get("Timeout", glob.get("Timeout", 3))),
            memory=int(props.get("MemorySize", glob.get("MemorySize", 128))),
            env={k: str(resolver.resolve(v)) for k, v in env.items()},
            runtime=str(props.get("Runtime", glob.get("Runtime", "python3.12"))),
            architecture=str((props.get("Architectures") or glob.get("Architectures") or ["x86_64"])[0]),
            handler=str(props["Handler"]),
            alias=props.get("AutoPublishAlias", glob.get("AutoPublishAlias")),
            has_invoke_config="EventInvokeConfig" in props,
        )
        if props.get("ReservedConcurrentExecutions") is not None:
            fn.reserved = int(resolver.resolve(props["ReservedConcurrentExecutions"]))
        _events(fn, props.get("Events") or {}, resolver)
        invoke = props.get("EventInvokeConfig") or {}
        fn.retries = int(invoke.get("MaximumRetryAttempts", DEFAULT_RETRIES))
        fn.max_age = int(invoke.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE))
        dest = invoke.get("DestinationConfig") or {}
        fn.on_failure = _destination(dest.get("OnFailure") or {}, resolver)
        fn.on_success = _destination(dest.get("OnSuccess") or {}, resolver)
        found[name] = fn
    return found
