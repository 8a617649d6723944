"""The `lessons check` report of a lessons folder, redone only when its files change."""

import datetime as dt
import os
import threading
from dataclasses import replace
from pathlib import Path

from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.folder_check import check_lessons
from coursesite.lessons.problems import Problem


class HealthReport:
    """The `lessons check` report of the app's lessons folder, redone only when files change."""

    def __init__(self, root: Path, settings: CheckSettings):
        self.root = Path(root)
        self.settings = settings
        self._signature = None
        self._problems: list[Problem] = []
        self._lock = threading.Lock()

    def signature(self) -> tuple:
        """Return the names, times and sizes of every file: cheap next to a full check."""
        found = []
        for folder, folders, files in os.walk(self.root):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for name in sorted(files):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                found.append((folder, name, stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def problems(self) -> list[Problem]:
        with self._lock:
            # Today's date is part of it: "updated" dates go stale while the server runs.
            settings = replace(self.settings, today=dt.date.today())
            signature = (settings.today, self.signature())
            if signature != self._signature:
                self._problems = check_lessons(self.root, settings)
                self._signature = signature
            return list(self._problems)
