"""Chaos: with a third of async attempts failing and a tenth of events delivered twice, a workload of posts,
buys and withdrawals ends with every effect exactly once, after redriving what reached the failure queue."""

from __future__ import annotations

from tests.e2e.chaos_workload import check, run


def test_every_effect_exactly_once_under_faults_and_duplicates(faulty_stack):
    outcome = run(faulty_stack.api, posts=12, buys=4, withdrawals=2)
    figures = check(faulty_stack.api, faulty_stack.client("dynamodb"), "LeedzTable", outcome)
    print("\nchaos figures:", figures)
    stats = faulty_stack.get("/_local/stats").json()["async"]
    assert stats["duplicated"] >= 1 and stats["retried"] >= 1, stats  # the faults really happened
    assert figures["emails_owed"] >= 12 * 4
    assert {k: v for k, v in figures.items() if k.endswith(("missing", "duplicated", "unowed", "wrong"))} == {
        "emails_missing": 0, "emails_duplicated": 0, "emails_unowed": 0, "counters_wrong": 0,
        "ledger_entries_missing": 0, "notifications_missing": 0, "notifications_duplicated": 0}
