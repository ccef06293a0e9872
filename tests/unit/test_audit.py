"""infra.audit: a known vulnerability fails CI; a service nobody can reach is said loudly, and fails only if strict."""

from pathlib import Path

import pytest

from infra import audit

LOCK = Path("requirements.lock")


def skipped(name: str) -> dict:
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)"}


def clean(name: str) -> dict:
    return {"name": name, "version": "1.0", "vulns": []}


def vulnerable(name: str) -> dict:
    return {"name": name, "version": "1.0", "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["1.1"]}]}


def runner(reports: dict):
    """pip-audit as each service would answer: a report, or the text of its failure."""
    return lambda lockfile, service: reports[service]


def run(monkeypatch, capsys, reports: dict, *argv: str) -> tuple[int, str]:
    monkeypatch.setattr(audit, "run_pip_audit", runner(reports))
    code = audit.main([str(LOCK), *argv])
    return code, capsys.readouterr().out


def test_no_service_reachable_passes_but_says_nothing_was_audited(monkeypatch, capsys):
    code, out = run(monkeypatch, capsys, {"pypi": {"dependencies": [skipped("pillow"), skipped("boto3")]},
                                          "osv": "osv: no report (exit 1): NameResolutionError"})
    assert code == 0
    assert "0 of 2 packages audited" in out
    assert "NOT AUDITED" in out and "boto3, pillow" in out and "NameResolutionError" in out
    assert "no known vulnerabilities" not in out.lower().replace("0 with known vulnerabilities", "")


def test_strict_fails_when_something_was_not_audited(monkeypatch, capsys):
    code, _ = run(monkeypatch, capsys, {"pypi": {"dependencies": [skipped("pillow")]}, "osv": "osv: no report"},
                  "--strict")
    assert code == 1


def test_a_known_vulnerability_fails_whatever_else(monkeypatch, capsys):
    code, out = run(monkeypatch, capsys, {"pypi": {"dependencies": [vulnerable("pillow"), clean("boto3")]},
                                          "osv": "unused"})
    assert code == 1
    assert "VULNERABLE pillow==1.0: PYSEC-2026-1" in out


def test_osv_audits_what_pypi_skipped(monkeypatch, capsys):
    code, out = run(monkeypatch, capsys, {"pypi": {"dependencies": [clean("boto3"), skipped("pillow")]},
                                          "osv": {"dependencies": [clean("boto3"), clean("pillow")]}})
    assert code == 0
    assert "2 of 2 packages audited" in out and "NOT AUDITED" not in out


@pytest.mark.parametrize("service_answers", [{"pypi": "pypi: no report", "osv": "osv: no report"}])
def test_no_report_at_all_is_not_a_clean_audit(monkeypatch, capsys, service_answers):
    code, out = run(monkeypatch, capsys, service_answers)
    assert code == 0 and "NOT AUDITED" in out and "incomplete" in out
