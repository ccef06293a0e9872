"""The template's security posture, in `make test` (checkov itself runs in `make check`).

These hold for every resource of a kind, so a function, bucket or queue added later without its log group,
TLS-only policy or encryption fails here, not in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infra import cfn

# Actions that IAM defines no resource type for (IAM service reference), so "*" is their only form.
NO_RESOURCE_TYPE = {"ses:ListEmailTemplates", "ses:GetSendQuota"}  # IAM defines no resource type for these


def _resources(kind: str) -> dict[str, dict[str, Any]]:
    return cfn.resources(kind)


def _statements(value: Any) -> Iterator[dict[str, Any]]:
    """Every IAM statement anywhere under ``value`` (inline function policies, roles, bucket policies)."""
    if isinstance(value, dict):
        if "Effect" in value and ("Action" in value or "NotAction" in value):
            yield value
        for child in value.values():
            yield from _statements(child)
    elif isinstance(value, list):
        for child in value:
            yield from _statements(child)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _tls_only(policies: dict[str, dict[str, Any]], target: str, key: str) -> bool:
    for props in policies.values():
        refs = _as_list(props[key])
        if {"Ref": target} not in refs:
            continue
        for st in _statements(props["PolicyDocument"]):
            if st["Effect"] == "Deny" and st.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}:
                return True
    return False


def test_every_function_logs_to_its_own_group_with_retention():
    groups = _resources("AWS::Logs::LogGroup")
    used = []
    for name, props in _resources("AWS::Serverless::Function").items():
        ref = (props.get("LoggingConfig") or {}).get("LogGroup")
        assert isinstance(ref, dict) and ref.get("Ref") in groups, f"{name}: LoggingConfig.LogGroup"
        used.append(ref["Ref"])
    assert len(used) == len(set(used))
    assert all("RetentionInDays" in props for props in groups.values())


def test_buckets_are_private_encrypted_and_tls_only():
    policies = _resources("AWS::S3::BucketPolicy")
    for name, props in _resources("AWS::S3::Bucket").items():
        assert all(props["PublicAccessBlockConfiguration"].values()), name
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert _tls_only(policies, name, "Bucket"), name


def test_queues_are_encrypted_and_tls_only():
    policies = _resources("AWS::SQS::QueuePolicy")
    for name, props in _resources("AWS::SQS::Queue").items():
        assert props.get("SqsManagedSseEnabled") is True or props.get("KmsMasterKeyId"), name
        assert _tls_only(policies, name, "Queues"), name


def test_tables_have_point_in_time_recovery_and_encryption():
    for name, props in _resources("AWS::DynamoDB::Table").items():
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert props["SSESpecification"]["SSEEnabled"] is True, name


def test_the_api_is_throttled_and_access_logged():
    for name, props in _resources("AWS::Serverless::Api").items():
        stage_wide = [m for m in props["MethodSettings"] if (m["ResourcePath"], m["HttpMethod"]) == ("/*", "*")]
        assert stage_wide and stage_wide[0]["ThrottlingRateLimit"] > 0 and stage_wide[0]["ThrottlingBurstLimit"] > 0
        assert props["AccessLogSetting"]["DestinationArn"], name
        assert "email" not in props["AccessLogSetting"]["Format"], name  # no private details in logs


def test_no_wildcard_resource_where_a_name_is_known():
    template = cfn.load()
    for name, res in template["Resources"].items():
        for st in _statements(res.get("Properties") or {}):
            if st["Effect"] != "Allow" or "*" not in _as_list(st.get("Resource")):
                continue
            assert set(_as_list(st["Action"])) <= NO_RESOURCE_TYPE, (name, st["Action"])


def test_every_checkov_skip_says_why():
    for name, res in cfn.load()["Resources"].items():
        for skip in ((res.get("Metadata") or {}).get("checkov") or {}).get("skip", []):
            assert skip["id"].startswith("CKV") and len(skip.get("comment", "")) > 20, (name, skip)


def test_a_function_may_invoke_exactly_the_controllers_it_fires():
    """The controllers named in a function's environment (``*_CONTROLLER``, what ``shared.dispatch`` fires)
    are the functions its role may invoke, each by its exact ARN."""
    for name, props in _resources("AWS::Serverless::Function").items():
        fired = {v["Ref"] for k, v in ((props.get("Environment") or {}).get("Variables") or {}).items()
                 if k.endswith("_CONTROLLER")}
        granted: set[str] = set()
        for policy in props.get("Policies") or []:
            assert "LambdaInvokePolicy" not in policy, f"{name}: LambdaInvokePolicy grants function:NAME*"
            for st in _statements(policy):
                if "lambda:InvokeFunction" in _as_list(st["Action"]):
                    granted |= {r["Fn::GetAtt"][0] for r in _as_list(st["Resource"])}
        assert granted == fired, name


def test_tool_venvs_are_left_out_of_the_functions_code():
    """CodeUri is the repo root; `sam build` copies it all but a few names (aws-lambda-builders' python_pip
    EXCLUDED_FILES, among them .venv and .cache). A tool venv anywhere else would ship 200-300 MB a function."""
    from pathlib import Path

    makefile = (Path(cfn.TEMPLATE).parents[1] / "Makefile").read_text()
    venvs = [line.split(":=")[1].strip() for line in makefile.splitlines() if "VENV :=" in line]
    assert len(venvs) >= 3, venvs
    assert all(Path(v).parts[0] in {".venv", ".cache"} for v in venvs), venvs


def test_no_function_holds_a_table_wide_dynamodb_policy_template():
    """Issue 18.4: SAM's DynamoDB policy templates (DynamoDBCrudPolicy, DynamoDBReadPolicy, DynamoDBWritePolicy,
    ...) grant their whole bundle on every item of the table, so a function added or changed later with one
    could Scan every profile's email. Each function states the actions it calls instead, and every statement
    on the table itself (not an index) is held to the partitions it touches by a ``dynamodb:LeadingKeys``
    condition, as the deploy rehearsal (tests/integration/iam_rehearsal.py) evaluates it."""
    for name, props in _resources("AWS::Serverless::Function").items():
        for policy in props.get("Policies") or []:
            templates = [key for key in policy if key.startswith("DynamoDB")] if isinstance(policy, dict) else []
            assert not templates, f"{name}: {templates} grants the whole table; write the statements it needs"
            for st in _statements(policy):
                on_table = {"Fn::GetAtt": ["LeedzTable", "Arn"]} in _as_list(st.get("Resource"))
                dynamodb = any(a.startswith("dynamodb:") for a in _as_list(st["Action"]))
                if st["Effect"] == "Allow" and on_table and dynamodb:
                    keys = (st.get("Condition") or {}).get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
                    assert keys, f"{name}: {st['Action']} on the whole table, without dynamodb:LeadingKeys"
