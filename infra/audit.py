"""``pip-audit`` over the lockfiles, saying plainly what it could and could not check.

Run: ``python -m infra.audit requirements.lock requirements-dev.lock [--strict]`` (``make audit``, ``.ci/run``).

pip-audit asks a vulnerability service about each locked release: PyPI's JSON API, one URL per release
(``/pypi/NAME/VERSION/json``, its default service), or OSV (``api.osv.dev``). Where neither answers, pip-audit
skips every package and still exits 0 printing "No known vulnerabilities found". That is this workplace's CI:
it reaches the package index but not those APIs (measured 2026-11-30: every per-release URL answered 404,
api.osv.dev did not resolve). So pip-audit's JSON report is read here instead of its exit code, each service
in turn until every package is audited: a known vulnerability fails; packages no service could audit are named
on a ``NOT AUDITED`` line and fail only with ``--strict`` (or ``LEEDZ_AUDIT_STRICT=1``), so CI does not go red
for lack of a network it never had, yet nobody reads the silence as a clean audit.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("pypi", "osv")


@dataclass
class Findings:
    """What the services said about one lockfile's packages, merged."""

    packages: set[str] = field(default_factory=set)
    audited: set[str] = field(default_factory=set)
    vulnerable: dict[str, list[str]] = field(default_factory=dict)  # "name==version" -> advisory ids
    errors: list[str] = field(default_factory=list)  # services that gave no report at all, and why

    def add_report(self, report: dict) -> None:
        """Merge one pip-audit ``--format json`` report."""
        for dep in report.get("dependencies", []):
            self.packages.add(dep["name"])
            if "skip_reason" in dep:
                continue
            self.audited.add(dep["name"])
            if dep.get("vulns"):
                self.vulnerable[f"{dep['name']}=={dep['version']}"] = [v["id"] for v in dep["vulns"]]

    @property
    def not_audited(self) -> list[str]:
        return sorted(self.packages - self.audited)


def run_pip_audit(lockfile: Path, service: str) -> dict | str:
    """pip-audit's JSON report for ``lockfile`` from ``service``, or why there is none (its last stderr line)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run(  # noqa: S603 - our own venv's pip-audit, fixed arguments
            [sys.executable, "-m", "pip_audit", "--vulnerability-service", service, "--disable-pip",
             "--require-hashes", "--requirement", str(lockfile), "--format", "json", "--output", str(out),
             "--progress-spinner", "off", "--timeout", "15"],
            capture_output=True, text=True, check=False)
        if out.exists() and out.stat().st_size:
            return json.loads(out.read_text())
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        return f"{service}: no report (exit {proc.returncode}): {lines[-1] if lines else 'no output'}"


def audit(lockfile: Path) -> Findings:
    """Ask each service in turn, stopping once every package has been audited by one of them."""
    findings = Findings()
    for service in SERVICES:
        report = run_pip_audit(lockfile, service)
        if isinstance(report, str):
            findings.errors.append(report)
        else:
            before = len(findings.audited)
            findings.add_report(report)
            skips = [d["skip_reason"] for d in report.get("dependencies", []) if "skip_reason" in d]
            if skips and len(findings.audited) == before:
                findings.errors.append(f"{service}: audited none, e.g. {skips[0]}")
        if findings.packages and not findings.not_audited:
            break
    return findings


def summary(lockfile: Path, found: Findings) -> tuple[list[str], bool, bool]:
    """(lines to print, any vulnerability, anything not audited)."""
    lines = [f"{lockfile}: {len(found.audited)} of {len(found.packages)} packages audited, "
             f"{len(found.vulnerable)} with known vulnerabilities"]
    lines += [f"  VULNERABLE {pkg}: {', '.join(ids)}" for pkg, ids in sorted(found.vulnerable.items())]
    if found.not_audited or not found.packages:
        names = ", ".join(found.not_audited) or "(none listed: no service gave a report)"
        lines.append(f"  NOT AUDITED (no vulnerability service answered for them; {len(found.not_audited)}): "
                     f"{names}")
        lines += [f"  {error}" for error in found.errors]
    return lines, bool(found.vulnerable), bool(found.not_audited or not found.packages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lockfiles", nargs="+", type=Path)
    parser.add_argument("--strict", action="store_true",
                        default=os.environ.get("LEEDZ_AUDIT_STRICT", "") not in ("", "0"),
                        help="also fail when a package could not be audited (LEEDZ_AUDIT_STRICT=1)")
    args = parser.parse_args(argv)
    vulnerable = unaudited = False
    for lockfile in args.lockfiles:
        lines, vuln, missing = summary(lockfile, audit(lockfile))
        print("\n".join(lines))
        vulnerable, unaudited = vulnerable or vuln, unaudited or missing
    if vulnerable:
        print("pip-audit: known vulnerabilities in locked packages: upgrade them (make lock UPGRADE=1)")
        return 1
    if unaudited:
        print("pip-audit: WARNING: the audit is incomplete (see NOT AUDITED above): no vulnerability service "
              "was reachable for those packages; " + ("failing (--strict)" if args.strict else
                                                     "not failing for a network this machine does not have"))
        return 1 if args.strict else 0
    print("pip-audit: every locked package audited, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
