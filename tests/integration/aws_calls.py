"""Which AWS calls each function makes in the integration suite, checked against its role as they happen.

A botocore event hook (``before-parameter-build``, which also fires for pre-signed URLs: they act with the
role's permissions) on every client created during a test sees each call with its parameters; the function
making it is the innermost handler module on the stack (of this thread, else of another: s3transfer downloads
in a worker thread). Calls from test code itself (seeding, assertions) have no handler on the stack and are
not counted. ``lambda.invoke`` is recorded too where the ``invocations`` fixture replaces the client.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from infra import cfn
from tests.integration import iam_rehearsal


def handler_modules() -> dict[str, str]:
    """Python module of each function's handler -> the function's logical id."""
    return {props["Handler"].rpartition(".")[0].replace("/", "."): name
            for name, props in cfn.resources("AWS::Serverless::Function").items()}


@cache
def _roles(names: tuple[tuple[str, str], ...]) -> dict[str, list[dict[str, Any]]]:
    """The roles once per process for the same names (every test has the same ``env``)."""
    return iam_rehearsal.role_statements(dict(names))


# Resources a function learns of from its event, not its environment: the names the tests give them.
NAMED_BY_EVENTS = {"AppBucket": "leedz-app-test"}  # the web app's bucket, in the custom resource's properties


def names_in_tests(environ: dict[str, str]) -> dict[str, str]:
    """Logical id -> physical name in the tests: what each function's environment variable holds for it."""
    template = cfn.load()
    variables = dict((template["Globals"]["Function"].get("Environment") or {}).get("Variables") or {})
    for props in cfn.resources("AWS::Serverless::Function").values():
        variables.update((props.get("Environment") or {}).get("Variables") or {})
    return {**NAMED_BY_EVENTS, **{value["Ref"]: environ[key] for key, value in variables.items()
                                  if isinstance(value, dict) and "Ref" in value and key in environ}}


@dataclass
class AwsCalls:
    names: dict[str, str]
    seen: set[tuple[str, str, str]] = field(default_factory=set)  # (function, action, resource)
    refused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.modules = handler_modules()
        self.roles = _roles(tuple(sorted(self.names.items())))

    def function(self) -> str | None:
        me = threading.get_ident()
        frames = [sys._getframe(), *(f for tid, f in sys._current_frames().items() if tid != me)]
        for frame in frames:
            current = frame
            while current is not None:
                name = self.modules.get(current.f_globals.get("__name__", ""))
                if name:
                    return name
                current = current.f_back
        return None

    def note(self, prefix: str, operation: str, params: dict[str, Any]) -> None:
        function = self.function()
        if function is None:
            return
        pairs = iam_rehearsal.required(prefix, operation, params)
        keys = iam_rehearsal.leading_keys(operation, params) if prefix == "dynamodb" else [None] * len(pairs)
        for (action, resource), leading in zip(pairs, keys, strict=True):
            self.seen.add((function, action, resource))
            if not iam_rehearsal.allows(self.roles[function], action, resource, leading):
                where = f" (partition {', '.join(sorted(leading))})" if leading else ""
                self.refused.append(f"{function} calls {action} on {resource}{where}: its role does not allow it")

    def hook(self, params: dict[str, Any], model: Any, context: dict[str, Any] | None = None, **_: Any) -> None:
        if (context or {}).get("is_presign_request") and model.name == "CreateBucket":
            # botocore builds a pre-signed POST on CreateBucket's model; the form uploads with s3:PutObject
            self.note("s3", "PutObject", {"Bucket": params["Bucket"], "Key": _presigned_post_key()})
            return
        self.note(model.service_model.signing_name, model.name, params)


def _presigned_post_key() -> str:
    """The Key argument of the ``generate_presigned_post`` call on the stack (botocore passes it no further)."""
    frame = sys._getframe()
    while frame is not None and frame.f_code.co_name != "generate_presigned_post":
        frame = frame.f_back
    return str(frame.f_locals["Key"]) if frame is not None else "*"
