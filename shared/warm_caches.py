"""What a warm Lambda container keeps between invocations, and the one way to drop it all.

Each module that caches (AWS clients, profiles already ensured, the SES quota, the unsubscribe signing key,
the jinja2 environment) registers its own forget function here when it is imported; ``reset()`` calls every
one. Tests call it between moto instances, as does anything that changes the environment under a process.
"""

from __future__ import annotations

from collections.abc import Callable

_forgetters: list[Callable[[], None]] = []


def forgets(forget: Callable[[], None]) -> Callable[[], None]:
    """Register ``forget`` (a module's cache clearing function) with ``reset``; returns it unchanged."""
    _forgetters.append(forget)
    return forget


def reset() -> None:
    """Forget every warm cache of every module imported so far (a module not imported has none)."""
    for forget in _forgetters:
        forget()
