"""Issue 18, items 5 and 6: the user pool's and the table's defaults, read from the template as deployed."""

from __future__ import annotations

import copy

from infra import cfn
from infra.local.sam.resolver import Resolver
from shared import uploads


def _resource(logical: str) -> dict:
    return cfn.load()["Resources"][logical]


def test_the_pool_and_the_table_survive_a_stack_deletion():
    for logical in ("UserPool", "LeedzTable"):
        resource = _resource(logical)
        assert resource.get("DeletionPolicy") == "Retain", logical
        assert resource.get("UpdateReplacePolicy") == "Retain", logical
    assert _resource("UserPool")["Properties"]["DeletionProtection"] == "ACTIVE"
    assert _resource("LeedzTable")["Properties"]["DeletionProtectionEnabled"] is True


def test_passwords_mfa_and_email_changes():
    pool = _resource("UserPool")["Properties"]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12 and policy["RequireNumbers"] and policy["RequireUppercase"]
    assert pool["MfaConfiguration"] == "OPTIONAL" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    # a changed email counts only once the new address confirmed its code
    assert pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"] == ["email"]


def test_the_app_client_cannot_write_the_email_and_its_tokens_expire():
    client = _resource("UserPoolClient")["Properties"]
    assert "email" not in client["WriteAttributes"] and "email_verified" not in client["WriteAttributes"]
    assert "email_verified" in client["ReadAttributes"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    units = client["TokenValidityUnits"]
    assert (client["IdTokenValidity"], units["IdToken"]) == (60, "minutes")
    assert (client["AccessTokenValidity"], units["AccessToken"]) == (60, "minutes")
    assert (client["RefreshTokenValidity"], units["RefreshToken"]) == (30, "days")


def test_threat_protection_is_a_parameter_that_moves_the_pool_to_the_plan_that_has_it():
    template = cfn.load()
    assert template["Parameters"]["ThreatProtection"]["Default"] == "OFF"
    assert "USD" in template["Parameters"]["ThreatProtection"]["Description"]  # says what it costs
    pool = template["Resources"]["UserPool"]["Properties"]
    assert pool["UserPoolTier"] == {"Fn::If": ["ThreatProtectionOn", "PLUS", "ESSENTIALS"]}
    assert pool["UserPoolAddOns"]["Fn::If"][1] == {"AdvancedSecurityMode": {"Ref": "ThreatProtection"}}


def test_on_demand_reads_are_capped_on_the_table_and_the_public_index():
    table = _resource("LeedzTable")["Properties"]
    assert table["OnDemandThroughput"]["MaxReadRequestUnits"] > 0
    assert all(index["OnDemandThroughput"]["MaxReadRequestUnits"] > 0 for index in table["GlobalSecondaryIndexes"])


def test_upload_forms_expire_soon_and_the_code_default_is_the_template_s():
    assert cfn.load()["Parameters"]["UploadExpiresSeconds"]["Default"] == uploads.UPLOAD_EXPIRES <= 300


def test_allowed_origin_governs_both_buckets_cors():
    """Given AllowedOrigin, browsers of other origins get no CORS answer from the upload or the thumbnail bucket."""
    template = copy.deepcopy(cfn.load())
    template["Parameters"]["AllowedOrigin"]["Default"] = "https://app.example"
    given = Resolver(template, "http://127.0.0.1:5000")
    for bucket in ("UploadBucket", "ThumbnailBucket"):
        rules = given.resolve(cfn.resources("AWS::S3::Bucket", template)[bucket]["CorsConfiguration"])["CorsRules"]
        assert [r["AllowedOrigins"] for r in rules] == [["https://app.example"]], bucket
