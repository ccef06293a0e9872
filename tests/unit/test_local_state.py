"""What the local stack remembers (``infra/local/state``): history, failure records, stats from history."""

from __future__ import annotations

from infra.local.state import State


def _failed_delivery(state: State, function: str, request_id: str, payload: dict) -> int:
    delivery = state.history.accepted(function, request_id, payload.get("correlation_id"), payload)
    for number in (1, 2, 3):
        state.history.attempted(delivery, number, 1.0, 5, "error", "E: boom", None)
    state.history.finished(delivery, "RetriesExhausted", "arn:aws:sqs:us-east-1:1:q",
                           {"requestContext": {"requestId": request_id}, "requestPayload": payload})
    return delivery


def test_failure_records_come_from_the_history_and_leave_it_when_redriven_or_purged():
    state = State()
    _failed_delivery(state, "F", "r1", {"correlation_id": "c1"})
    _failed_delivery(state, "G", "r2", {"correlation_id": "c2"})
    ok = state.history.accepted("F", "r3", "c1", {"correlation_id": "c1"})
    state.history.attempted(ok, 1, 1.0, 5, "success", None, None)
    state.history.finished(ok, "Success", None, None)
    assert [r["requestContext"]["requestId"] for r in state.history.failures()] == ["r1", "r2"]
    assert state.history.take_failures({"r2"}) == [("G", {"correlation_id": "c2"})]
    assert [r["requestContext"]["requestId"] for r in state.history.failures()] == ["r1"]
    assert state.history.take_failures(purge=True) == [("F", {"correlation_id": "c1"})]
    assert state.history.failures() == [] and state.history.take_failures() == []


def test_invocations_filtered_by_function_and_correlation_with_their_attempts():
    state = State()
    _failed_delivery(state, "F", "r1", {"correlation_id": "c1"})
    state.history.accepted("G", "r2", "c1", {"correlation_id": "c1"}, duplicate=True)
    chain = state.history.invocations(correlation_id="c1")
    assert [i["function"] for i in chain] == ["G", "F"]  # newest first
    [failed] = state.history.invocations(function="F")
    assert failed["status"] == "failure" and failed["condition"] == "RetriesExhausted"
    assert [a["number"] for a in failed["attempts"]] == [1, 2, 3] and failed["attempts"][0]["error"] == "E: boom"
    assert [d["request_id"] for d in state.history.unfinished()] == ["r2"]


def test_stats_are_computed_from_the_history():
    state = State()
    state.history.ran("F", "a", None, 1.0, 10, "success", None, {"dynamodb:GetItem": 2, "ses:SendEmail": 1})
    state.history.ran("F", "b", None, 1.0, 30, "error", "E: x", {"dynamodb:GetItem": 1})
    state.history.ran("G", "c", None, 1.0, 5, "success", None, {})
    _failed_delivery(state, "F", "r1", {})
    stats = state.stats()
    assert stats["invocations"] == {"F": {"error": 1, "success": 1}, "G": {"success": 1}}
    assert stats["aws_calls"] == {"dynamodb": {"GetItem": 3}, "ses": {"SendEmail": 1}}
    assert stats["aws_calls_by_function"] == {"F": {"dynamodb": {"GetItem": 3}, "ses": {"SendEmail": 1}}}
    assert stats["durations"]["F"] == {"count": 2, "total_ms": 40, "max_ms": 30}
    assert stats["async"] == {"accepted": 1, "retried": 2, "RetriesExhausted": 1}
