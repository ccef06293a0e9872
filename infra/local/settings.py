"""Every ``LEEDZ_*`` setting of the local stack, read once, in one frozen object.

``SETTINGS`` is the one list of what a developer can set: its name, default and meaning. The README's settings
table is checked against it (``tests/unit/test_local_settings.py``), and no other module of the local stack
reads a ``LEEDZ_*`` variable, so the table cannot fall behind the code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting("LEEDZ_PORT", "3000", "the API port (API Gateway, plus the `/_local` routes)"),
    Setting("LEEDZ_INVOKE_PORT", "3001", "the Lambda Invoke API port (`aws lambda invoke --endpoint-url`)"),
    Setting("LEEDZ_WEB_PORT", "3002", "the web app's port (`web/`, a different origin from the API)"),
    Setting("LEEDZ_CONCURRENCY", "4", "worker processes per function (concurrent invocations of one function)"),
    Setting("LEEDZ_RETRY_DELAY", "1", "seconds before the first async retry (doubling after it); Lambda waits "
                                      "about a minute"),
    Setting("LEEDZ_FAULT_RATE", "0", "chaos: the share of async attempts that fail (half before, half after "
                                     "the handler ran)"),
    Setting("LEEDZ_DUPLICATE_RATE", "0", "chaos: the share of accepted async events delivered twice"),
    Setting("LEEDZ_SEED", "", "seed of the chaos dice (fault and duplicate draws), for a repeatable run"),
    Setting("LEEDZ_AWS_LATENCY_MS", "0", "milliseconds added to every AWS call a function makes, so local "
                                        "timings show how many calls a request makes in sequence, as on AWS"),
    Setting("LEEDZ_SES_MAX_SEND_RATE", "200", "the emulated SES account's emails per second (`GetSendQuota`)"),
    Setting("LEEDZ_SCHEDULE_SECONDS", "", "seconds between runs of every `Schedule` event (default: its "
                                          "`rate(...)`, 60 s for cron)"),
    Setting("LEEDZ_PARAMETERS", "", "template parameters, `Name=value,...` (as `sam deploy "
                                    "--parameter-overrides`); `PublicBaseUrl` defaults to the local API"),
    Setting("LEEDZ_TEMPLATE", "infra/template.yaml", "the SAM template to run"),
    Setting("LEEDZ_STATE_DIR", ".leedz", "where the stack keeps its state across restarts (data, mailbox, "
                                         "history, events not yet delivered, signing keys)"),
    Setting("LEEDZ_FRESH", "0", "`1` starts from the demo data, forgetting the saved state"),
    Setting("LEEDZ_RELOAD", "1", "`0` keeps workers on the code they started with (no reload on edit)"),
    Setting("LEEDZ_PREWARM", "1", "`0` starts no worker before its function's first invocation"),
    Setting("LEEDZ_GEOCODER_DOWN", "0", "`1`: the emulated Location Service `Geocode` answers every call with "
                                        "an internal error (posts fall back to the address text)"),
)


def _number(env: Mapping[str, str], name: str, kind: type) -> Any:
    default = next(s.default for s in SETTINGS if s.env == name)
    raw = env.get(name) or default
    try:
        return kind(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a {kind.__name__}") from None


@dataclass(frozen=True)
class Settings:
    api_port: int = 3000
    invoke_port: int = 3001
    web_port: int = 3002
    concurrency: int = 4
    retry_delay: float = 1.0
    fault_rate: float = 0.0
    duplicate_rate: float = 0.0
    seed: int | None = None
    ses_max_send_rate: float = 200.0
    aws_latency_ms: int = 0
    schedule_seconds: float | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    template: Path = ROOT / "infra" / "template.yaml"
    state_dir: Path = ROOT / ".leedz"
    fresh: bool = False
    reload: bool = True
    prewarm: bool = True
    geocoder_down: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        pairs = (pair.partition("=") for pair in (env.get("LEEDZ_PARAMETERS") or "").split(",") if pair.strip())
        return cls(
            api_port=_number(env, "LEEDZ_PORT", int),
            invoke_port=_number(env, "LEEDZ_INVOKE_PORT", int),
            web_port=_number(env, "LEEDZ_WEB_PORT", int),
            concurrency=_number(env, "LEEDZ_CONCURRENCY", int),
            retry_delay=_number(env, "LEEDZ_RETRY_DELAY", float),
            fault_rate=_number(env, "LEEDZ_FAULT_RATE", float),
            duplicate_rate=_number(env, "LEEDZ_DUPLICATE_RATE", float),
            seed=_number(env, "LEEDZ_SEED", int) if env.get("LEEDZ_SEED") else None,
            ses_max_send_rate=_number(env, "LEEDZ_SES_MAX_SEND_RATE", float),
            aws_latency_ms=_number(env, "LEEDZ_AWS_LATENCY_MS", int),
            schedule_seconds=(_number(env, "LEEDZ_SCHEDULE_SECONDS", float)
                              if env.get("LEEDZ_SCHEDULE_SECONDS") else None),
            parameters=tuple((name.strip(), value.strip()) for name, _, value in pairs),
            template=ROOT / (env.get("LEEDZ_TEMPLATE") or "infra/template.yaml"),
            state_dir=ROOT / (env.get("LEEDZ_STATE_DIR") or ".leedz"),
            fresh=env.get("LEEDZ_FRESH", "0") not in ("", "0"),
            reload=env.get("LEEDZ_RELOAD", "1") != "0",
            prewarm=env.get("LEEDZ_PREWARM", "1") != "0",
            geocoder_down=env.get("LEEDZ_GEOCODER_DOWN", "0") not in ("", "0"),
        )

    def describe(self) -> dict[str, Any]:
        """For the start-up log line: what differs from the defaults."""
        default = Settings()
        return {f.name: str(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) != getattr(default, f.name)}
