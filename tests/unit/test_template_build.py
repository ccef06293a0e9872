"""How the template is built and deployed (issue 15): without Docker, for the runtime and architecture it
names, the libraries once in a layer. `make build` itself (sam build + infra/artifacts.py) runs in `make check`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from infra import cfn

ROOT = Path(cfn.TEMPLATE).parents[1]


def test_every_function_and_layer_is_built_by_the_makefile_for_the_templates_runtime():
    template = cfn.load()
    glob = template["Globals"]["Function"]
    assert (glob["Runtime"], glob["Architectures"]) == ("python3.12", ["arm64"])
    makefile = (ROOT / "Makefile").read_text()
    # the layer's wheels are asked for the same runtime and architecture as the functions run on
    assert re.search(r"^LAMBDA_PYTHON := 3\.12$", makefile, re.MULTILINE)
    # aarch64 manylinux wheels for every glibc from manylinux2014's (2.17) to Amazon Linux 2023's (2.34)
    minors = re.search(r"^LAMBDA_GLIBC_MINORS := ([0-9 ]+)$", makefile, re.MULTILINE)
    assert minors and [int(m) for m in minors.group(1).split()] == list(range(17, 35))
    assert "--platform manylinux_2_$(minor)_aarch64" in makefile
    assert "--require-hashes" in makefile.split("build-DependenciesLayer:")[1].split("\n\n")[0]
    assert "--only-binary=:all:" in makefile
    for name, res in template["Resources"].items():
        if res["Type"] in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            # without it, sam build uses its python_pip builder: Docker or a python3.12 on PATH
            assert (res.get("Metadata") or {}).get("BuildMethod") == "makefile", name
            assert f"build-{name}:" in makefile or "build-%:" in makefile, name


def test_every_function_gets_the_libraries_layer_and_active_tracing():
    template = cfn.load()
    glob = template["Globals"]["Function"]
    assert glob["Layers"] == [{"Ref": "DependenciesLayer"}]
    assert glob["Tracing"] == "Active"
    layer = template["Resources"]["DependenciesLayer"]
    assert layer["Properties"]["CompatibleRuntimes"] == [glob["Runtime"]]
    assert layer["Properties"]["CompatibleArchitectures"] == glob["Architectures"]
    for name, props in cfn.resources("AWS::Serverless::Function").items():
        assert "Layers" not in props and props.get("Tracing", "Active") == "Active", name


def test_samconfig_builds_in_source_and_deploys_what_was_built():
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())["default"]
    build = config["build"]["parameters"]
    assert build["template_file"] == "infra/template.yaml" and build["build_in_source"] is True
    # a template_file for deploy (or global) would deploy the source template, not .aws-sam/build's
    assert "template_file" not in config["deploy"]["parameters"]
    assert "template_file" not in config["global"]["parameters"]
    assert "CAPABILITY_IAM" in config["deploy"]["parameters"]["capabilities"]


def test_the_deploy_summary_names_the_api_web_app_and_user_pool():
    from infra import outputs

    assert outputs.stack_settings() == ("leedz", None)
    lines = outputs.summary({"ApiUrl": "https://a.example/Prod", "WebAppUrl": "https://d1.cloudfront.net",
                             "UserPoolId": "us-east-1_X", "UserPoolClientId": "abc", "FailureQueueUrl": "q",
                             "TableName": "t"})
    assert lines == ["API:        https://a.example/Prod", "Web app:    https://d1.cloudfront.net",
                     "User pool:  us-east-1_X  client abc"]
    assert not any("Web app" in line for line in outputs.summary({"ApiUrl": "u", "FailureQueueUrl": "q"}))
    # every output the summary names exists in the template
    template = cfn.load()
    assert {"ApiUrl", "UserPoolId", "UserPoolClientId"} <= set(template["Outputs"])
