"""CloudFormation's intrinsic functions resolved against local names, as CloudFormation resolves them on deploy.

Only what the template uses: ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``,
``Fn::If`` with its ``Conditions``, and the pseudo parameters. The local account and region are defined here, once.
"""

from __future__ import annotations

import re
from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"

_NAME_PROPERTY = {"AWS::S3::Bucket": "BucketName", "AWS::SQS::Queue": "QueueName",
                  "AWS::DynamoDB::Table": "TableName"}


def kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


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
