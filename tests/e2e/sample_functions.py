"""Tiny Lambda handlers for the worker tests: warm state, slowness and failure on demand."""

import time

calls = 0


def counter(event, context):
    """Returns how many times this warm instance has run, and what the context says."""
    global calls
    calls += 1
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("fail"):
        raise ValueError("asked to fail")
    remaining = context.get_remaining_time_in_millis()
    return {"calls": calls, "function_name": context.function_name, "remaining_ms": remaining}
