"""The template itself: cfn-lint passes offline (SAM transform included), and a broken copy fails it.

``sam validate --lint`` runs this same cfn-lint; aws-sam-cli itself is not a dependency (large, and it adds
nothing offline that cfn-lint with its bundled SAM translator does not check).
"""

from pathlib import Path

import yaml
from cfnlint.api import ManualArgs, lint_file

from infra import cfn

CONFIG = ManualArgs(regions=["us-east-1"])


def test_cfn_lint_passes_on_the_template():
    matches = lint_file(cfn.TEMPLATE, config=CONFIG)
    assert [str(m) for m in matches] == []


def test_cfn_lint_catches_a_broken_template(tmp_path: Path):
    broken = cfn.TEMPLATE.read_text().replace("Type: AWS::SQS::Queue", "Type: AWS::SQS::Queeue", 1)
    path = tmp_path / "template.yaml"
    path.write_text(broken)
    assert lint_file(path, config=CONFIG)


def test_template_is_yaml_with_every_handler_module_path_under_the_repo():
    template = cfn.load()
    for name, res in template["Resources"].items():
        if res["Type"] == "AWS::Serverless::Function":
            module = res["Properties"]["Handler"].rpartition(".")[0]
            assert "/" in module and not module.endswith(".py"), name
    assert yaml.safe_load("a: 1")  # the loader module is importable alongside
