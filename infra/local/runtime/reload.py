"""Code reload for ``make dev``: a worker that imported older source is replaced on its next invocation.

Lambda never changes code under a warm instance; a developer does all the time. The version is the newest
modification time among the repo's Python files and templates, rescanned at most once a second (a scan of a
few hundred files costs about a millisecond), so edits show up without restarting the stack.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

WATCHED = ("handlers", "controllers", "shared", "templates")
SUFFIXES = (".py", ".html", ".txt", ".j2", ".jinja2", ".json")


class CodeVersion:
    def __init__(self, root: Path, interval: float = 1.0) -> None:
        self._root, self._interval = root, interval
        self._lock = threading.Lock()
        self._checked = 0.0
        self._latest = self._scan()

    def _scan(self) -> float:
        latest = 0.0
        for folder in WATCHED:
            for dirpath, _dirs, files in os.walk(self._root / folder):
                latest = max(latest, os.stat(dirpath).st_mtime)  # a deleted or renamed file
                for name in files:
                    if name.endswith(SUFFIXES):
                        try:
                            latest = max(latest, os.stat(os.path.join(dirpath, name)).st_mtime)
                        except OSError:  # deleted while scanning
                            continue
        return latest

    def current(self) -> int:
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self._interval:
                self._checked = now
                self._latest = self._scan()
            return int(self._latest * 1000)
