"""SnapStart on the API's functions (issue 15, cold starts): it only ever runs on a published version, so the API
must call each function's alias, never $LATEST, or the snapshots are paid for and never used."""

import pytest

from infra import cfn
from tests.integration.iam_rehearsal import transformed


def api_functions() -> dict[str, dict]:
    return {name: props for name, props in cfn.resources("AWS::Serverless::Function").items()
            if any(e.get("Type") == "Api" for e in (props.get("Events") or {}).values())}


@pytest.fixture(autouse=True)
def region(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the transform names ARNs in some region


def test_every_api_function_and_only_those_publish_an_alias_with_snapstart():
    template = cfn.load()
    assert template["Parameters"]["ApiSnapStart"]["Default"] == "PublishedVersions"
    assert len(api_functions()) == 19
    for name, props in cfn.resources("AWS::Serverless::Function").items():
        if name in api_functions():
            assert props["AutoPublishAlias"] == "live", name
            assert props["SnapStart"] == {"ApplyOn": {"Ref": "ApiSnapStart"}}, name
        else:  # async controllers are invoked by name ($LATEST): a snapshot would be billed and never restored
            assert "SnapStart" not in props, name


def test_the_api_integrates_and_is_permitted_on_each_alias():
    resources = transformed()["Resources"]
    [api] = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    uris = [method["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
            for path in api["Properties"]["Body"]["paths"].values() for verb, method in path.items()
            if verb != "options" and "x-amazon-apigateway-integration" in method]
    assert len(uris) >= len(api_functions())
    for uri in uris:
        assert uri.endswith("Aliaslive}/invocations"), uri
    for name in api_functions():
        assert resources[f"{name}Aliaslive"]["Type"] == "AWS::Lambda::Alias"
        permissions = [r["Properties"]["FunctionName"] for r in resources.values()
                       if r["Type"] == "AWS::Lambda::Permission" and r["Properties"].get("Principal")
                       == "apigateway.amazonaws.com" and name in str(r["Properties"]["FunctionName"])]
        assert permissions and all(p == {"Ref": f"{name}Aliaslive"} for p in permissions), name
