"""Another process checking a first start's many lessons: started, and waited for.

The process itself is bulk.py; this is the catalogue's side of it. While it runs, a marker
in the store (CHECKING) holds its pid, and the catalogue serves what the store already
holds; when it ends, the catalogue reads what it published.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from coursesite.lessons.checks.check import CheckSettings

log = logging.getLogger(__name__)
# In the store while that process runs: its pid (a benchmark waits for the file to go).
CHECKING = ".checking"


class CheckProcess:
    """At most one process at a time checking lessons for a catalogue, and what it was given."""

    def __init__(self, root: Path, languages: tuple, settings: CheckSettings, store: Path):
        self.root, self.languages, self.settings, self.store = root, languages, settings, store
        self.process: subprocess.Popen | None = None
        self.pending: dict[Path, tuple] = {}  # each file's signature when it was handed over
        self.done = threading.Event()
        self.done.set()

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    def remove_marker(self) -> None:
        """Remove the marker (also one left by a server stopped during such a check)."""
        with contextlib.suppress(OSError):
            (self.store / CHECKING).unlink(missing_ok=True)

    def start(self, pending: dict[Path, tuple], when_done: Callable[[int], None]) -> bool:
        """Have another process check these files; return False if it cannot be started.

        `when_done(exit code)` is called from a background thread once the process has ended;
        the marker goes, and `done` is set, after it returns.
        """
        try:
            self.store.mkdir(parents=True, exist_ok=True)
            process = subprocess.Popen(
                [sys.executable, "-m", "coursesite.lessons.publishing.bulk"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
            )
            with process.stdin:
                arguments = (os.getpid(), self.root, self.languages, self.settings, self.store)
                process.stdin.write(pickle.dumps(arguments))
        except OSError as exc:
            log.warning("cannot check the lessons in another process: %s", exc)
            return False
        log.info("checking %d lessons in another process (pid %d)", len(pending), process.pid)
        with contextlib.suppress(OSError):
            (self.store / CHECKING).write_text(str(process.pid), encoding="utf-8")
        self.process = process
        self.pending = dict(pending)
        self.done.clear()
        threading.Thread(
            target=self._wait, args=(process, when_done), name="lesson-check", daemon=True
        ).start()
        return True

    def _wait(self, process: subprocess.Popen, when_done: Callable[[int], None]) -> None:
        code = process.wait()
        try:
            when_done(code)
        except Exception:  # noqa: BLE001 — a background thread has nobody else to tell
            log.exception("reading the checked lessons failed")
        finally:
            self.remove_marker()
            self.done.set()
