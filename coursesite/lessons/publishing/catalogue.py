"""All lessons in memory, rebuilt cheaply when files change on disk.

On Linux the files are looked at only after the system reported a change under the folder
(file_events.py); elsewhere, or with LESSONS_WATCH = "poll", at every reload interval.

Learners get a version of a lesson only when `lessons check` finds no error in it (the
publishing rule: publishing.py); until the file is fixed they keep its last good version. Each
published version is also copied, with its pictures, into `store` (a folder of the instance;
published_store.py keeps it, stored_versions.py reads and writes it for the catalogue), so
that the last good version survives a restart and a renamed or deleted picture.

In memory, each lesson is its outline (titles, step ids) and its checked text's parts packed
(model.Body): a page unpacks them into a bounded cache, never from a file that may have
changed since. Beside each stored copy, the outline and packed parts let a restart skip
lessons nobody touched without checking or even parsing them; more than `bulk` lessons to
check at once (a first start) are checked by another process (check_process.py, bulk.py)
while the site answers with what the store holds.

For an editor: `check_source(lang, id, text)` says what saving `text` would meet;
after writing the file, `refresh(force=True)` then `status(lang, id)` says whether learners
now get it (`held_back`, `errors`, `published`, `published_at`).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from coursesite.lessons.checks.check import CheckSettings, ImageChecker, check_lesson_source
from coursesite.lessons.model import Lesson
from coursesite.lessons.paths import LessonPath, PathsFile
from coursesite.lessons.problems import Problem
from coursesite.lessons.publishing.catalogue_entry import Entry, file_signature
from coursesite.lessons.publishing.check_process import CheckProcess
from coursesite.lessons.publishing.file_events import FileEvents
from coursesite.lessons.publishing.published_store import language_folders
from coursesite.lessons.publishing.publishing import (
    LessonStatus,
    Snapshot,
    build_snapshot,
    link_targets,
)
from coursesite.lessons.publishing.stored_versions import StoredVersions

log = logging.getLogger(__name__)
# More lessons than this to check at once (a first start on a large folder): another process
# checks them while the site serves what the store holds (lessons/publishing/bulk.py).
BULK_CHECK = 100


class Catalogue:
    """Lessons under root/<lang>/<id>/lesson.md, kept in step with the files."""

    def __init__(
        self,
        root: Path,
        languages,
        reload_interval: float = 1.0,
        *,
        settings: CheckSettings | None = None,
        store: Path | None = None,
        lazy: bool = False,
        bulk: int | None = BULK_CHECK,
        watch: str = "auto",
    ):
        """Follow the lessons under `root`; keep published versions in `store` if given.

        `lazy` waits for the first question before reading every lesson, so that a command
        that never asks (`coursesite lessons check`) neither pays for it nor logs about it.
        With a store, more than `bulk` lessons to check at once are checked by another
        process (lessons/publishing/bulk.py) while the site serves their stored versions, if any.
        `watch` "auto" looks at the files only after the system reported a change in the
        folder (file_events.py); "poll" looks at every file at every interval.
        """
        self.root = Path(root)
        self.languages = tuple(languages)
        self.reload_interval = reload_interval
        self.settings = settings or CheckSettings(languages=self.languages)
        self.store = Path(store) if store else None
        self._stored = StoredVersions(self.store, self.settings) if self.store else None
        self._images = ImageChecker(self.settings)
        self._store_pruned = False
        self._entries: dict[Path, Entry] = {}
        # The scan runs every second: with 2,000 lessons, making their Path objects anew
        # each time cost more than the stat calls themselves.
        self._lesson_paths: dict[str, Path] = {}
        self._paths_file = PathsFile(self.root / "paths.yml")
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self.watch = watch
        self._events: FileEvents | None = None  # made at the first look, under the lock
        self.bulk = bulk
        self._elsewhere = (
            CheckProcess(self.root, self.languages, self.settings, self.store)
            if self.store
            else None
        )
        # Called (in a background thread) once lessons checked by another process are in:
        # what is built from every lesson (the search index) is best rebuilt at once.
        self.after_check: list = []
        self.snapshot = Snapshot()
        if not lazy:
            self.refresh(force=True)

    # Reading

    def get(self, lang: str, lesson_id: str, *, drafts: bool = False) -> Lesson | None:
        """Return the published lesson in this language, or None (drafts only when asked)."""
        lesson = self.current().lessons.get((lang, lesson_id))
        if lesson is None or (lesson.draft and not drafts):
            return None
        return lesson

    def lessons(self, lang: str, *, drafts: bool = False) -> list[Lesson]:
        """Return this language's lessons, sorted by level then title."""
        return list(self.current().lessons_in_order(lang, drafts))

    def languages_of(self, lesson_id: str, *, drafts: bool = False) -> list[str]:
        """Return the languages in which this lesson exists."""
        return [lang for lang in self.languages if self.get(lang, lesson_id, drafts=drafts)]

    def problems(self) -> list[Problem]:
        """Return the errors that hold lesson versions back, and paths.yml's, for staff."""
        return list(self.current().problems)

    def status(self, lang: str, lesson_id: str) -> LessonStatus | None:
        """Return where the lesson file stands (None if there is no such file)."""
        return self.current().statuses.get((lang, lesson_id))

    def statuses(self) -> list[LessonStatus]:
        """Return the status of every lesson file, by language then id."""
        return [status for _, status in sorted(self.current().statuses.items())]

    def held_back(self) -> list[LessonStatus]:
        """Return the lesson files whose current version learners do not get, and why."""
        return [status for status in self.statuses() if status.held_back]

    def link_target(self, lang: str, lesson_id: str) -> str:
        """Say what a `lesson:` link to this lesson finds (for checking unsaved text)."""
        snapshot = self.current()
        return link_targets(snapshot.lessons, snapshot.statuses)(lang, lesson_id)

    def check_source(self, lang: str, lesson_id: str, text: str) -> list[Problem]:
        """Return the problems of unsaved text for lessons/<lang>/<lesson_id>/lesson.md.

        The same checks and limits as publishing: an error here means that saving this
        text would hold the lesson back (or, for a new lesson, not show it).
        """
        folder = self.root / lang / lesson_id
        return check_lesson_source(
            text, folder, lang, settings=self.settings, targets=self.link_target
        )

    def paths(self) -> tuple[LessonPath, ...]:
        """Return the named lesson paths from paths.yml."""
        return self.current().paths

    @property
    def version(self) -> int:
        """Return the number of the current snapshot (it grows with every change seen)."""
        return self.current().version

    def current(self) -> Snapshot:
        """Return the snapshot, refreshing it first if the reload interval has passed."""
        if time.monotonic() - self._checked_at >= self.reload_interval:
            self.refresh()
        return self.snapshot

    def image_size(self, path: Path) -> tuple[int, int] | None:
        """Return (width, height) of an image, read once per version of the file."""
        try:
            size = self._images.facts(path)[1]  # the check's own reading of the picture
        except OSError:
            return None
        if size is None:
            log.warning("%s: not a readable image", path)
        return size

    # Keeping in step with the files

    def refresh(self, force: bool = False) -> None:
        """Re-read added and changed lesson files, forget removed ones."""
        # Wait for a refresh already under way rather than serve what it is replacing: a
        # page asked for just after a save must show the saved file. Waiting is also the
        # faster way: measured with 2,000 lessons, a look takes 15-20 ms while the other
        # pages wait, but 400-570 ms while they go on, each of its 6,000 os.stat calls
        # queueing for Python's interpreter lock behind them (p99: 39 ms, then 250 ms).
        with self._lock:
            if not force and time.monotonic() - self._checked_at < self.reload_interval:
                return
            if self._events is None and self.reload_interval < float("inf"):
                self._events = FileEvents(self.root, self.languages, self.watch)
            # Asked even when forced: the events read now are covered by this look.
            if self._events is not None and not self._events.changed() and not force:
                self._checked_at = time.monotonic()
                return  # the system reported nothing since the last look: no file to stat
            changed = self._scan_lessons() | self._paths_file.changed()
            if changed or force:
                self.snapshot = build_snapshot(
                    self._entries.values(),
                    self._paths_file,
                    self.snapshot.version + 1,
                    self._stored,
                    self._pending,
                )
            self._checked_at = time.monotonic()

    def close(self) -> None:
        """Stop watching the folder (free the system's watches): check every file from now on."""
        with self._lock:
            if self._events is not None:
                self._events.close()

    @property
    def _pending(self) -> dict[Path, tuple]:
        """The files handed to another process to check, with their signatures then."""
        return self._elsewhere.pending if self._elsewhere else {}

    def _lesson_files(self):
        """Yield (lang, path) for every lesson.md, without reading any."""
        for lang, folder in language_folders(self.root, self.languages):
            if not folder.name.startswith((".", "_")):
                path = self._lesson_paths.get(folder.path)
                if path is None:
                    path = self._lesson_paths[folder.path] = Path(folder.path) / "lesson.md"
                yield lang, path

    def _scan_lessons(self) -> bool:
        """Update entries from the files; return True if anything changed."""
        seen, changed, to_check = set(), False, []
        if not self._store_pruned and self._elsewhere is not None and self.bulk is not None:
            # Left by a server stopped while another process checked its lessons (that
            # process, which checks with `bulk=None`, leaves its server's marker alone).
            self._elsewhere.remove_marker()
        for lang, path in self._lesson_files():
            entry = self._entries.get(path)
            signature = file_signature(path, entry.pictures if entry else ())
            if signature is None:
                continue
            seen.add(path)
            handed = self._pending.get(path)
            if handed is not None:
                if handed == signature:
                    continue
                # Changed while the other process checks it: checked here, now (an editor
                # waits to know whether learners get the version just saved).
                del self._pending[path]
            if entry and entry.signature == signature:
                continue
            changed = True
            if entry is None:
                entry = Entry(lang, path)
                if self._stored is not None:
                    if self._stored.restore(entry):
                        self._entries[path] = entry
                        continue
                    self._stored.load(entry)
            to_check.append((entry, signature))
        if self._check_elsewhere(to_check):
            to_check = []
        for entry, signature in to_check:
            entry.check(self.settings, self._images)
            # The pictures are known only now; the lesson file's and its folder's stats are
            # those taken before reading it, so a save made while it was being read shows as
            # a change at the next check instead of passing for what was read.
            after = file_signature(entry.path, entry.pictures)
            entry.signature = signature[:2] + after[2:] if after else signature
            self._entries[entry.path] = entry
        for gone in set(self._entries) - seen:
            entry = self._entries.pop(gone)
            if self._stored is not None:
                self._stored.forget(entry)
            changed = True
        if not self._store_pruned:
            self._store_pruned = True
            if self._stored is not None:
                self._stored.prune(self.languages, {e.key for e in self._entries.values()})
        return changed

    @property
    def checking(self) -> bool:
        """Tell whether another process is checking lessons not shown yet (a first start)."""
        return self._elsewhere is not None and self._elsewhere.running

    def wait_checked(self, timeout: float | None = None) -> bool:
        """Wait until every lesson found so far is checked; return False on timeout."""
        self.current()
        return self._elsewhere.done.wait(timeout) if self._elsewhere else True

    def _check_elsewhere(self, entries: list[tuple[Entry, tuple]]) -> bool:
        """Have another process check these entries if they are many; return True if so.

        Until it ends, each keeps its stored version (if any) for learners; then it is read
        again, from the store when the other process published it (`StoredVersions.restore`).
        """
        if self._elsewhere is None or self._elsewhere.process is not None or self.bulk is None:
            return False
        if len(entries) <= self.bulk:
            return False
        pending = {entry.path: signature for entry, signature in entries}
        if not self._elsewhere.start(pending, self._read_checked):
            return False
        for entry, _ in entries:
            entry.signature = ()  # not checked here
            self._entries[entry.path] = entry
        return True

    def _read_checked(self, code: int) -> None:
        """When the other process ends, read what it published (or check here if it failed)."""
        with self._lock:
            if code != 0:
                log.warning("checking the lessons in another process failed (%s)", code)
                self.bulk = None  # check here from now on
            for path in self._pending:
                entry = self._entries.get(path)
                if entry is not None and entry.signature == ():
                    del self._entries[path]  # seen anew: read from the store if published
            self._elsewhere.pending = {}
            self._elsewhere.process = None
            self._checked_at = float("-inf")
        self.refresh(force=True)
        for callback in self.after_check:
            callback()
