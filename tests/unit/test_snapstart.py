"""SnapStart: environments restored from one snapshot each get their own randomness and their own AWS clients."""

import random
import sys
import types

import pytest

from shared import clients, snapstart


@pytest.fixture
def lambda_runtime(monkeypatch):
    """Lambda's ``snapshot_restore_py`` as the managed runtime provides it: hooks registered, run on restore."""
    hooks: list = []
    module = types.ModuleType("snapshot_restore_py")
    module.register_after_restore = lambda fn, *a, **kw: hooks.append((fn, a, kw))
    module.register_before_snapshot = lambda fn, *a, **kw: None
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", module)
    monkeypatch.setattr(snapstart, "_registered", False)

    def restore() -> None:
        for fn, args, kwargs in hooks:
            fn(*args, **kwargs)

    return types.SimpleNamespace(hooks=hooks, restore=restore)


def test_a_handler_module_registers_the_restore_hook_once(lambda_runtime):
    from aws_lambda_powertools.event_handler.router import Router

    from shared.api import entrypoint, make_app

    entrypoint(make_app(Router()))
    entrypoint(make_app(Router()))  # the local stack imports every handler into one process

    assert len(lambda_runtime.hooks) == 1


def test_after_a_restore_the_random_sequence_and_the_clients_are_the_environments_own(lambda_runtime, aws):
    snapstart.register()
    client_in_snapshot = clients.dynamodb()
    snapshot_state = random.getstate()
    in_every_copy = [random.random() for _ in range(4)]  # what any copy of the snapshot would draw next
    random.setstate(snapshot_state)

    lambda_runtime.restore()

    assert [random.random() for _ in range(4)] != in_every_copy
    assert clients.dynamodb() is not client_in_snapshot  # its connection pool and credentials stay behind


def test_without_the_runtime_library_nothing_is_registered(monkeypatch):
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails, as in tests and the local stack
    monkeypatch.setattr(snapstart, "_registered", False)
    assert snapstart.register() is False
