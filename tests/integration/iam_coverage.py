"""The other half of "exactly": grants no function used in the whole integration suite.

Each test's calls (tests/integration/aws_calls.py) are gathered per process, then from every xdist worker
(``workeroutput``), and compared at the end of the session with what each role grants. A hand-written grant
(a ``Statement`` in the function's Policies, or an ``AWS::IAM::Policy`` attached to its role) that nothing used
fails the session, when every integration test module ran unfiltered: it is either dead or untested. Actions of
SAM's policy templates (DynamoDBCrudPolicy, S3ReadPolicy: fixed bundles) and of what Lambda itself does with
the role (EventInvokeConfig's destination) are only listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra import cfn
from tests.integration import iam_rehearsal

SEEN: set[tuple[str, str]] = set()  # (function, action) in this process
RAN: set[str] = set()  # integration test files that ran in this process
INTEGRATION = Path(__file__).parent


def hand_written(names: dict[str, str]) -> dict[str, set[str]]:
    """Function -> actions of its hand-written statements (source template), resolved like its role."""
    found: dict[str, set[str]] = {}
    template = cfn.load()
    for name, props in cfn.resources("AWS::Serverless::Function").items():
        for policy in props.get("Policies") or []:
            if isinstance(policy, dict) and "Statement" in policy:
                found.setdefault(name, set()).update(a for st in policy["Statement"] for a in _list(st["Action"]))
    for res in template["Resources"].values():
        if res["Type"] == "AWS::IAM::Policy":
            for role in res["Properties"]["Roles"]:
                function = role["Ref"].removesuffix("Role")
                found.setdefault(function, set()).update(
                    a for st in res["Properties"]["PolicyDocument"]["Statement"] for a in _list(st["Action"]))
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def unused(seen: set[tuple[str, str]], names: dict[str, str]) -> tuple[list[str], list[str]]:
    """(hand-written grants never used, other granted actions never used), one line per function."""
    lambda_own = {"sqs:SendMessage"}  # EventInvokeConfig OnFailure: Lambda sends with the role, not our code
    written = hand_written(names)
    failing, listed = [], []
    for function, statements in sorted(iam_rehearsal.role_statements(names).items()):
        granted = {a for st in statements for a in st["Action"]}
        used = {action for fn, action in seen if fn == function}
        idle = granted - used
        mine = sorted(idle & written.get(function, set()))
        if mine:
            failing.append(f"{function}: {', '.join(mine)}")
        others = sorted(idle - set(mine) - lambda_own)
        if others:
            listed.append(f"{function}: {', '.join(others)}")
    return failing, listed


def whole_suite_ran(ran: set[str], config: Any) -> bool:
    every = {p.name for p in INTEGRATION.glob("test_*.py")}
    filtered = config.getoption("keyword", "") or config.getoption("markexpr", "") or config.getoption("lf", False)
    return every <= ran and not filtered
