"""The template as the local stack sees it: functions, their routes, env vars, async config and events.

Everything is read from ``infra/template.yaml`` at start-up (never a hard-coded function list), and
``Ref``/``GetAtt``/``Sub`` are resolved to the local physical names, as CloudFormation would on deploy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from infra import cfn

REGION = "us-east-1"
ACCOUNT = "123456789012"
DEFAULT_RETRIES = 2  # Lambda's defaults for async invocations without an EventInvokeConfig
DEFAULT_MAX_AGE = 6 * 3600


_NAME_PROPERTY = {"AWS::S3::Bucket": "BucketName", "AWS::SQS::Queue": "QueueName",
                  "AWS::DynamoDB::Table": "TableName"}


def kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


@dataclass(frozen=True)
class Route:
    method: str  # upper case, or ANY
    path: str  # template path with {params}
    public: bool


@dataclass(frozen=True)
class Destination:
    kind: str  # SQS | Lambda | SNS | EventBridge
    target: str  # resolved ARN


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
    retries: int = DEFAULT_RETRIES
    max_age: int = DEFAULT_MAX_AGE
    on_failure: Destination | None = None
    on_success: Destination | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.name}"


class Resolver:
    """Resolves intrinsic functions against local names; ``endpoint`` is moto's URL (queue URLs)."""

    def __init__(self, template: dict[str, Any], endpoint: str = "http://127.0.0.1:5000") -> None:
        self.template = template
        self.endpoint = endpoint.rstrip("/")
        self.params = {k: str(v.get("Default", "")) for k, v in (template.get("Parameters") or {}).items()}

    def physical(self, logical: str) -> str:
        """Local physical name of a resource: buckets need lower case, the rest keep the logical id."""
        resource = self.template["Resources"][logical]
        kind = resource["Type"]
        explicit = (resource.get("Properties") or {}).get(_NAME_PROPERTY.get(kind, ""))
        if explicit:
            return str(self.resolve(explicit))
        if kind == "AWS::S3::Bucket":
            return f"leedz-{kebab(logical)}-local"
        return logical

    def ref(self, name: str) -> str:
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": "leedz",
                  "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/leedz/local",
                  "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": ""}
        if name in pseudo:
            return pseudo[name]
        if name in self.params:
            return self.params[name]
        kind = self.template["Resources"][name]["Type"]
        if kind == "AWS::SQS::Queue":
            return f"{self.endpoint}/{ACCOUNT}/{self.physical(name)}"
        return self.physical(name)

    def get_att(self, name: str, attr: str) -> str:
        kind = self.template["Resources"][name]["Type"]
        phys = self.physical(name)
        arns = {
            "AWS::Serverless::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{phys}",
            "AWS::SQS::Queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{phys}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{phys}",
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{phys}",
        }
        if attr == "Arn":
            return arns.get(kind, f"arn:aws:local:{REGION}:{ACCOUNT}:{phys}")
        if attr == "QueueName":
            return phys
        if attr == "QueueUrl":
            return self.ref(name)
        if attr == "DomainName":
            return f"{phys}.cloudfront.net" if kind == "AWS::CloudFront::Distribution" else f"{phys}.s3.amazonaws.com"
        return phys

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1 and next(iter(value)) == "Fn::If":  # only the branch taken is resolved, as in CFN
            condition, if_true, if_false = value["Fn::If"]
            return self.resolve(if_true if self.condition(condition) else if_false)
        if len(value) == 1 and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::")):
            return self._intrinsic(*next(iter(value.items())))
        return {k: self.resolve(v) for k, v in value.items()}

    def _intrinsic(self, key: str, arg: Any) -> Any:
        if key == "Ref":
            return self.ref(arg)
        if key == "Fn::GetAtt":
            name, attr = arg if isinstance(arg, list) else arg.split(".", 1)
            return self.get_att(name, attr)
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::Join":
            sep, parts = arg
            return sep.join(str(p) for p in self.resolve(parts))
        if key == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(index)]
        if key == "Fn::Split":
            sep, text = arg
            return str(self.resolve(text)).split(sep)
        return {key: self.resolve(arg)}

    def condition(self, name: str) -> bool:
        """A template condition's value (``Fn::Equals``/``Not``/``And``/``Or``/``Condition``) under the parameters."""

        def value(expr: Any) -> bool:
            (key, arg), = expr.items()
            if key == "Condition":
                return value(self.template["Conditions"][arg])
            if key == "Fn::Equals":
                return str(self.resolve(arg[0])) == str(self.resolve(arg[1]))
            results = [value(e) for e in arg]
            return {"Fn::Not": lambda: not results[0], "Fn::And": lambda: all(results),
                    "Fn::Or": lambda: any(results)}[key]()

        return value(self.template["Conditions"][name])

    def _sub(self, arg: Any) -> str:
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def one(match: re.Match[str]) -> str:
            token = match.group(1)
            if token in extra:
                return str(extra[token])
            if "." in token and not token.startswith("AWS::"):
                return self.get_att(*token.split(".", 1))
            return self.ref(token)

        return re.sub(r"\$\{([^}!]+)\}", one, text)


# API Gateway's own answers (no function runs), by response type: what it says without a GatewayResponses entry.
GATEWAY_DEFAULTS = {"UNAUTHORIZED": (401, "Unauthorized"),
                    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
                    "DEFAULT_5XX": (500, "Internal server error")}


def _apis(resolver: Resolver) -> list[dict[str, Any]]:
    return list(cfn.resources("AWS::Serverless::Api", resolver.template).values())


def _header_value(resolver: Resolver, value: Any) -> str:
    """API Gateway header values in a template are quoted literals: ``"'*'"``."""
    return str(resolver.resolve(value)).strip("'")


def gateway_answer(resolver: Resolver, kind: str) -> tuple[int, str, dict[str, str]]:
    """Status, body and headers API Gateway gives for ``kind`` under the template's ``GatewayResponses`` (the
    first ``AWS::Serverless::Api`` that has them), else AWS's default; ``$context.error.message*`` filled in."""
    status, message = GATEWAY_DEFAULTS[kind]
    fallback = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
    for api in _apis(resolver):
        responses = api.get("GatewayResponses") or {}
        spec = responses.get(kind) or responses.get(fallback)
        if spec:
            body = (spec.get("ResponseTemplates") or {}).get("application/json", json.dumps({"message": message}))
            body = body.replace("$context.error.messageString", json.dumps(message))
            headers = {name: _header_value(resolver, value)
                       for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items()}
            return int(spec.get("StatusCode", status)), body.replace("$context.error.message", message), headers
    return status, json.dumps({"message": message}), {}


def cors_preflight(resolver: Resolver) -> dict[str, str] | None:
    """The headers of SAM's OPTIONS answer on every path (an API Gateway mock, no function), from the Api's
    ``Cors``; None without one."""
    for api in _apis(resolver):
        cors = api.get("Cors")
        if cors is None:
            continue
        if not isinstance(cors, dict):  # the short form names the origin only
            cors = {"AllowOrigin": cors}
        names = {"AllowOrigin": "Access-Control-Allow-Origin", "AllowHeaders": "Access-Control-Allow-Headers",
                 "AllowMethods": "Access-Control-Allow-Methods", "MaxAge": "Access-Control-Max-Age"}
        return {header: _header_value(resolver, cors[key]) for key, header in names.items() if key in cors}
    return None


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
        )
        _events(fn, props.get("Events") or {}, resolver)
        invoke = props.get("EventInvokeConfig") or {}
        fn.retries = int(invoke.get("MaximumRetryAttempts", DEFAULT_RETRIES))
        fn.max_age = int(invoke.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE))
        dest = invoke.get("DestinationConfig") or {}
        fn.on_failure = _destination(dest.get("OnFailure") or {}, resolver)
        fn.on_success = _destination(dest.get("OnSuccess") or {}, resolver)
        found[name] = fn
    return found
