"""Deploy rehearsal for IAM: every AWS call a function makes in the integration suite must be allowed by the
role the deployed template gives it. A call its role would refuse on AWS (moto does not check IAM) fails the
test that made it, naming the function, the IAM action and the resource.

The template goes through the SAM transform offline (samtranslator), so the statements checked are those
CloudFormation would create: policy templates expanded, EventInvokeConfig destinations added, separate
``AWS::IAM::Policy`` resources attached to the function's role. Intrinsics resolve to the names the tests use
(a resource referenced by a function's environment variable is named by that variable's test value).
AWS-managed policies (AWSLambdaBasicExecutionRole, AWSXrayWriteOnlyAccess) grant only logs and X-Ray, which
the tests never call through botocore; they are not evaluated.

Wildcards are IAM's: ``*`` and ``?`` in an action or resource match as IAM matches them, so a statement with
``Resource: "*"`` allows its actions on anything (tests/unit/test_template_security.py keeps ``*`` to the
actions IAM defines no resource type for). Actions without a resource type are checked against ``*``.

Conditions: ``ForAllValues:StringLike`` on ``dynamodb:LeadingKeys`` (the partition keys a DynamoDB request
touches) is evaluated: such a statement allows a request only when it names partition keys and every one
matches a pattern (a request with none, a Scan or an index Query, is not allowed by it; IAM would allow a
Scan, since "for all" of nothing is true, which is why no role here is granted Scan). A statement with any other
condition is not counted.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from functools import cache
from typing import Any

from infra import cfn

REGION, ACCOUNT, PARTITION = "us-east-1", "123456789012", "aws"  # moto's
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/leedz/test"  # the upload bucket's name ends in "test"
# botocore operations whose IAM action has another name (IAM service reference).
RENAMED = {("s3", "HeadObject"): "GetObject", ("s3", "ListObjectsV2"): "ListBucket", ("s3", "HeadBucket"): "ListBucket",
           ("lambda", "Invoke"): "InvokeFunction"}
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem",
            "Get": "GetItem"}
NO_RESOURCE_TYPE = {"ses:CreateTemplate", "ses:GetTemplate", "ses:DeleteTemplate", "ses:UpdateTemplate",
                    "ses:GetSendQuota", "ses:ListEmailTemplates"}


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


@cache
def transformed() -> dict[str, Any]:
    """The template after the SAM transform (code locations stubbed: they do not affect IAM)."""
    from samtranslator.translator.transform import transform

    template = copy.deepcopy(cfn.load())
    template["Globals"]["Function"]["CodeUri"] = "s3://bucket/code.zip"
    for res in template["Resources"].values():
        if res["Type"] == "AWS::Serverless::LayerVersion":
            res["Properties"]["ContentUri"] = "s3://bucket/layer.zip"
    return transform(template, {}, _NoManagedPolicies())


def _arn(template: dict[str, Any], logical: str, names: dict[str, str]) -> str:
    kind, name = template["Resources"][logical]["Type"], names.get(logical, logical)
    return {"AWS::Lambda::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
            "AWS::SQS::Queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{name}",
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}",
            "AWS::SNS::Topic": f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}",
            "AWS::Cognito::UserPool": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{name}"}[kind]


def _ref(name: str, template: dict[str, Any], names: dict[str, str]) -> str:
    """A parameter (its default), a pseudo parameter, ``Res.Attr`` (an ARN) or a resource's test name."""
    pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": PARTITION,
              "AWS::StackId": STACK_ID, "AWS::StackName": "leedz", "AWS::URLSuffix": "amazonaws.com"}
    params = {k: str(v.get("Default", "")) for k, v in (template.get("Parameters") or {}).items()}
    if name in pseudo or name in params:
        return pseudo.get(name) or params[name]
    if "." in name:
        return _arn(template, name.split(".")[0], names)
    return names.get(name, name)


def resolve(value: Any, template: dict[str, Any], names: dict[str, str]) -> Any:
    """Ref, GetAtt .Arn, Sub, Select, Split and Join, to the test's names."""
    if isinstance(value, list):
        return [resolve(v, template, names) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        return value
    (key, arg), = value.items()
    match key:
        case "Ref":
            return _ref(arg, template, names)
        case "Fn::GetAtt":
            return _arn(template, arg[0], names)
        case "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg
            local = {k: str(resolve(v, template, names)) for k, v in variables.items()}
            return re.sub(r"\$\{([^}!]+)\}", lambda m: local.get(m.group(1)) or _ref(m.group(1), template, names),
                          text)
        case "Fn::Select":
            return resolve(arg[1], template, names)[int(arg[0])]
        case "Fn::Split":
            return resolve(arg[1], template, names).split(arg[0])
        case "Fn::Join":
            return arg[0].join(resolve(arg[1], template, names))
    return value


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Function logical id -> the Allow statements of its role (inline policies and attached IAM policies)."""
    template = transformed()
    resources = template["Resources"]
    found: dict[str, list[dict[str, Any]]] = {}
    for name, res in resources.items():
        if res["Type"] != "AWS::Lambda::Function":
            continue
        role = res["Properties"]["Role"]["Fn::GetAtt"][0]
        documents = [p["PolicyDocument"] for p in resources[role]["Properties"].get("Policies", [])]
        documents += [r["Properties"]["PolicyDocument"] for r in resources.values()
                      if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"]["Roles"]]
        found[name] = [
            {"Action": _as_list(st["Action"]), "Resource": _as_list(resolve(st["Resource"], template, names)),
             **_leading_keys(st)}
            for doc in documents for st in doc["Statement"] if st["Effect"] == "Allow" and _understood(st)]
    return found


LEADING_KEYS = "ForAllValues:StringLike"


def _understood(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition")
    return condition is None or (list(condition) == [LEADING_KEYS]
                                 and list(condition[LEADING_KEYS]) == ["dynamodb:LeadingKeys"])


def _leading_keys(statement: dict[str, Any]) -> dict[str, list[str]]:
    condition = statement.get("Condition")
    return {"LeadingKeys": _as_list(condition[LEADING_KEYS]["dynamodb:LeadingKeys"])} if condition else {}


def allows(statements: list[dict[str, Any]], action: str, resource: str, keys: frozenset[str] | None = None) -> bool:
    """IAM's matching: actions case-insensitively, resources case-sensitively, ``*`` and ``?`` as wildcards;
    ``keys``, the partition keys of a DynamoDB request (None: it names none), against a LeadingKeys condition."""
    return any(
        any(fnmatch.fnmatch(action.lower(), a.lower()) for a in st["Action"])
        and any(fnmatch.fnmatchcase(resource, r) for r in st["Resource"])
        and ("LeadingKeys" not in st
             or (bool(keys) and all(any(fnmatch.fnmatchcase(k, p) for p in st["LeadingKeys"]) for k in keys)))
        for st in statements)


def leading_keys(operation: str, params: dict[str, Any]) -> list[frozenset[str] | None]:
    """The partition keys each pair of ``required`` touches (same order), as ``dynamodb:LeadingKeys`` sees them."""
    if operation in ("TransactWriteItems", "TransactGetItems"):
        return [_keys_of(body) for item in params["TransactItems"] for body in item.values()]
    if operation == "BatchGetItem":
        return [frozenset(k[PK]["S"] for k in req["Keys"]) for req in params["RequestItems"].values()]
    if operation == "BatchWriteItem":
        return [frozenset(k for r in reqs for body in r.values() if (k := _key(body))) or None
                for reqs in params["RequestItems"].values()]
    if operation == "Query" and not params.get("IndexName"):
        return [_queried_partition(params)]
    return [_keys_of(params)]


PK = "pk"  # LeedzTable's partition key (KeySchema HASH)


def _key(body: dict[str, Any]) -> str | None:
    item = body.get("Key") or body.get("Item") or {}
    return (item.get(PK) or {}).get("S")


def _keys_of(body: dict[str, Any]) -> frozenset[str] | None:
    key = _key(body)
    return frozenset([key]) if key else None


def _queried_partition(params: dict[str, Any]) -> frozenset[str] | None:
    names = {k: v for k, v in (params.get("ExpressionAttributeNames") or {}).items()}
    for name, placeholder in re.findall(r"(#?\w+)\s*=\s*(:\w+)", params.get("KeyConditionExpression", "")):
        if names.get(name, name) == PK:
            return frozenset([params["ExpressionAttributeValues"][placeholder]["S"]])
    return None


# The resource of a call, by service, where it is not "*": the Places v2 API acts on AWS's own provider; a
# Cognito admin call on the user pool it names.
RESOURCE_OF: dict[str, Any] = {
    "geo-places": lambda params: f"arn:aws:geo-places:{REGION}::provider/default",
    "cognito-idp": lambda params: f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{params['UserPoolId']}",
}


def required(prefix: str, operation: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """The (IAM action, resource ARN) pairs IAM checks for one API call."""
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
    if prefix == "dynamodb" and operation in ("TransactWriteItems", "TransactGetItems"):
        return [(f"dynamodb:{TRANSACT[kind]}", table + body["TableName"])
                for item in params["TransactItems"] for kind, body in item.items()]
    if prefix == "dynamodb" and operation in ("BatchWriteItem", "BatchGetItem"):
        return [(f"dynamodb:{operation}", table + name) for name in params["RequestItems"]]
    if prefix == "dynamodb":
        index = f"/index/{params['IndexName']}" if params.get("IndexName") else ""
        return [(f"dynamodb:{operation}", table + params["TableName"] + index)]
    action = f"{prefix}:{RENAMED.get((prefix, operation), operation)}"
    if prefix == "s3" and operation == "DeleteObjects":  # no IAM action of its own: s3:DeleteObject per key
        return [("s3:DeleteObject", f"arn:aws:s3:::{params['Bucket']}/{obj['Key']}")
                for obj in params["Delete"]["Objects"]]
    if prefix == "s3":
        key = f"/{params['Key']}" if "Key" in params and action != "s3:ListBucket" else ""
        return [(action, f"arn:aws:s3:::{params['Bucket']}{key}")]
    if prefix == "lambda":
        name = params["FunctionName"].split(":function:")[-1].split(":")[0]
        return [(action, f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")]
    if prefix == "sqs" and "QueueUrl" in params:
        return [(action, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{params['QueueUrl'].rstrip('/').rsplit('/', 1)[-1]}")]
    if prefix == "ses" and action not in NO_RESOURCE_TYPE:
        return _ses(action, params)
    if prefix == "secretsmanager":  # the secret as the function's environment names it (an ARN on AWS)
        return [(action, params["SecretId"])]
    return [(action, RESOURCE_OF[prefix](params) if prefix in RESOURCE_OF else "*")]


def _ses(action: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """SES v1 and v2: the sending identity (``Source``/``FromEmailAddress``, display name stripped), the
    configuration set and the template a call names, each a resource IAM checks."""
    arn = f"arn:aws:ses:{REGION}:{ACCOUNT}"
    source = params.get("Source") or params.get("FromEmailAddress") or ""
    template = params.get("Template") or params.get("TemplateName") or \
        ((params.get("DefaultContent") or {}).get("Template") or {}).get("TemplateName")
    pairs = [(action, f"{arn}:identity/{re.sub(r'.*<|>.*', '', source)}")] if source else []
    if params.get("ConfigurationSetName"):
        pairs.append((action, f"{arn}:configuration-set/{params['ConfigurationSetName']}"))
    if template:
        pairs.append((action, f"{arn}:template/{template}"))
    return pairs or [(action, "*")]
