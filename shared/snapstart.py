"""Lambda SnapStart (the HTTP handlers' functions, ``infra/template.yaml``): what a restored environment must
not share with the others restored from the same snapshot.

With SnapStart, Lambda runs a function's initialisation (every import) once, when a version is published, and
starts each new execution environment from a copy of that memory. Anything the copy holds is then the same in
every environment: the ``random`` module's state (``shared.db``'s retry jitter would back off in step across
environments) and whatever the warm caches hold (AWS clients with their connection pools and credentials, the
SES quota, the unsubscribe key; ``shared.warm_caches``). After a restore this reseeds ``random`` from the OS
and forgets every warm cache, so each environment makes its own on first use, as after a normal cold start.
``uuid4`` and ``secrets`` read the OS's randomness on every call, so the ids we make need nothing.

The hook library, ``snapshot_restore_py``, ships inside Lambda's managed Python runtimes (3.12+), so it is no
dependency of this project: where it is missing (tests, the local stack) nothing is registered. A function
without SnapStart registers the hook too; it never restores, so the hook never runs.
"""

from __future__ import annotations

import random

from shared import warm_caches


def after_restore() -> None:
    """Make this environment's own randomness and caches (see the module docstring)."""
    random.seed()  # from os.urandom
    warm_caches.reset()


_registered = False


def register() -> bool:
    """Register ``after_restore`` with Lambda's runtime hooks, once per process (each handler module's
    ``entrypoint`` asks; the local stack imports them all into one); False where the hook library is absent."""
    global _registered
    if _registered:
        return True
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_after_restore(after_restore)
    _registered = True
    return True
