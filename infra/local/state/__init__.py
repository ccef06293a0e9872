"""Everything the local stack remembers, owned here and nowhere else: the mailbox, the invocation history
(with the failure records and the stats computed from it), the emulator's saved data and the signing keys, on
one SQLite store (a file under ``.leedz/`` for ``make dev``, so all of it survives a restart)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infra.local.state import stats
from infra.local.state.grants import Grants
from infra.local.state.history import History
from infra.local.state.mailbox import Mailbox
from infra.local.state.saved import SavedData
from infra.local.state.store import RESETTABLE, Store


@dataclass
class State:
    store: Store = field(default_factory=Store)

    def __post_init__(self) -> None:
        self.mailbox = Mailbox(self.store)
        self.history = History(self.store)
        self.saved = SavedData(self.store)
        self.grants = Grants(self.store)

    @classmethod
    def at(cls, path: str) -> State:
        return cls(Store(path))

    def reset(self) -> None:
        """Forget everything but the signing keys (back to the demo data, which the stack then writes)."""
        self.store.clear(*RESETTABLE)

    def stats(self) -> dict[str, Any]:
        return stats.snapshot(self.store)

    def close(self) -> None:
        self.store.close()
