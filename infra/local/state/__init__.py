"""Everything the local stack remembers, owned here and nowhere else: the mailbox, the invocation history
(with the failure records and the stats computed from it), on one SQLite store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infra.local.state import stats
from infra.local.state.history import History
from infra.local.state.mailbox import Mailbox
from infra.local.state.store import Store


@dataclass
class State:
    store: Store = field(default_factory=Store)

    def __post_init__(self) -> None:
        self.mailbox = Mailbox(self.store)
        self.history = History(self.store)

    def stats(self) -> dict[str, Any]:
        return stats.snapshot(self.store)

    def close(self) -> None:
        self.store.close()
