"""After ``make deploy``: the deployed stack's addresses, read from CloudFormation (``python -m infra.outputs``).

The stack name and region come from samconfig.toml (what ``sam deploy`` used); the region falls back to the
AWS profile's, as sam's does.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The web app's URL is whichever output names a web app or a CloudFront distribution and ends in Url.
WEB_APP = re.compile(r"(WebApp|App|Web|CloudFront|Distribution)\w*Ur[lL]$")


def stack_settings(config_path: Path = ROOT / "samconfig.toml") -> tuple[str, str | None]:
    config = tomllib.loads(config_path.read_text())["default"]
    merged: dict[str, Any] = {}
    for section in ("global", "deploy"):
        merged.update((config.get(section) or {}).get("parameters") or {})
    return merged["stack_name"], merged.get("region")


def summary(outputs: dict[str, str]) -> list[str]:
    """The lines to print: the API, the web app (when the stack has one) and the user pool for sign-in."""
    lines = [f"API:        {outputs.get('ApiUrl', '(no ApiUrl output)')}"]
    lines += [f"Web app:    {value}" for key, value in sorted(outputs.items())
              if key != "ApiUrl" and WEB_APP.search(key)]
    lines.append(f"User pool:  {outputs.get('UserPoolId', '(no UserPoolId output)')}"
                 f"  client {outputs.get('UserPoolClientId', '-')}")
    if "AlarmTopicArn" in outputs:
        lines.append(f"Alarms to:  {outputs['AlarmTopicArn']} (confirm the subscription email sent to AdminEmail)")
    return lines


def main() -> int:
    import boto3

    stack, region = stack_settings()
    described = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}
    print(f"stack {stack} deployed:")
    print("\n".join(summary(outputs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
