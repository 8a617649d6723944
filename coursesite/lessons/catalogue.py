"""All lessons in memory, rebuilt cheaply when files change on disk.

The publishing rule lives here: a version of a lesson reaches learners only when
`lessons check` finds no error in it (its own checks, and its links to other lessons as
learners would find them). Until the file is fixed, learners keep its last good version;
a new lesson with errors is not shown. Each published version is also copied, with its
pictures, into `store` (a folder of the instance; published_store.py keeps it), so that the
last good version survives a restart and a renamed or deleted picture: held-back lessons are
served from that copy.

In memory, each lesson is its outline (titles, step ids) and its checked text's parts packed
(model.Body): a page unpacks them into a bounded cache, never from a file that may have
changed since. Beside each stored copy, the outline and packed parts let a restart skip
lessons nobody touched without checking or even parsing them; more than `bulk` lessons to
check at once (a first start) are checked by another process (lessons/bulk.py) while the
site answers with what the store holds.

For an editor: `check_source(lang, id, text)` says what saving `text` would meet;
after writing the file, `refresh(force=True)` then `status(lang, id)` says whether learners
now get it (`held_back`, `errors`, `published`, `published_at`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from coursesite.lessons.check import (
    LINK_DRAFT,
    LINK_HELD_BACK,
    LINK_MISSING,
    LINK_OK,
    LINK_OTHER_LANGUAGE,
    CheckSettings,
    ImageChecker,
    check_lesson_source,
    check_one,
    lesson_link_problems,
    unknown_path_lessons,
)
from coursesite.lessons.content import LessonLink
from coursesite.lessons.loader import load_lesson
from coursesite.lessons.model import Lesson
from coursesite.lessons.outline import outline
from coursesite.lessons.paths import LessonPath, load_paths
from coursesite.lessons.problems import LessonError, Problem
from coursesite.lessons.published_store import PublishedStore, language_folders, plain

log = logging.getLogger(__name__)
# More lessons than this to check at once (a first start on a large folder): another process
# checks them while the site serves what the store holds (lessons/bulk.py).
BULK_CHECK = 100
# In the store while that process runs: its pid (a benchmark waits for the file to go).
CHECKING = ".checking"


@dataclass(frozen=True)
class LessonStatus:
    """Where one lesson file stands: what it says now, and what learners see."""

    lang: str
    lesson_id: str
    path: Path  # lessons/<lang>/<id>/lesson.md
    current: Lesson | None  # the file as it is now, if it can be read at all
    published: Lesson | None  # what learners see: the current version or the last good one
    problems: tuple[Problem, ...] = ()  # of the current version; any error holds it back
    published_at: float | None = None  # when the version learners see was published (epoch)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def held_back(self) -> bool:
        """Tell whether the file now holds a version that learners do not get."""
        return bool(self.errors)


@dataclass
class Entry:
    """What the catalogue remembers about one lesson.md."""

    lang: str
    path: Path
    signature: tuple = ()  # stats of lesson.md, its folder and its pictures when last checked
    current: Lesson | None = None
    problems: list[Problem] = field(default_factory=list)  # the current file's own problems
    links: list[LessonLink] = field(default_factory=list)
    pictures: tuple[str, ...] = ()
    source: str | None = None  # the current file's text
    published: Lesson | None = None
    published_at: float | None = None
    link_problems: list[Problem] = field(default_factory=list)
    logged: tuple = ()  # the signature last written to the log as held back

    @property
    def key(self) -> tuple[str, str]:
        return self.lang, self.path.parent.name

    @property
    def clean(self) -> bool:
        """Tell whether the current version passes its own checks (links aside)."""
        return self.current is not None and not any(p.is_error for p in self.problems)


@dataclass
class Snapshot:
    """An immutable view of the catalogue, swapped whole on refresh."""

    lessons: dict[tuple[str, str], Lesson] = field(default_factory=dict)  # (lang, id)
    problems: list[Problem] = field(default_factory=list)
    paths: tuple[LessonPath, ...] = ()
    statuses: dict[tuple[str, str], LessonStatus] = field(default_factory=dict)
    # Counts the snapshots built: what is cached from the lessons is keyed by it, so a
    # lesson edit makes every page built from the previous snapshot unreachable at once.
    version: int = 0
    # Each language's lessons in catalogue order, sorted once per snapshot.
    in_order: dict[tuple[str, bool], tuple[Lesson, ...]] = field(default_factory=dict)


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
    ):
        """Follow the lessons under `root`; keep published versions in `store` if given.

        `lazy` waits for the first question before reading every lesson, so that a command
        that never asks (`coursesite lessons check`) neither pays for it nor logs about it.
        With a store, more than `bulk` lessons to check at once are checked by another
        process (lessons/bulk.py) while the site serves their stored versions, if any.
        """
        self.root = Path(root)
        self.languages = tuple(languages)
        self.reload_interval = reload_interval
        self.settings = settings or CheckSettings(languages=self.languages)
        self.store = Path(store) if store else None
        self._published = PublishedStore(self.store) if self.store else None
        self._images = ImageChecker(self.settings)
        self._store_pruned = False
        self._entries: dict[Path, Entry] = {}
        # The scan runs every second: with 2,000 lessons, making their Path objects anew
        # each time cost more than the stat calls themselves.
        self._lesson_paths: dict[str, Path] = {}
        self._paths_signature = None
        self._paths: tuple[LessonPath, ...] = ()
        self._paths_problems: list[Problem] = []
        self._image_sizes: dict[tuple, tuple[int, int] | None] = {}
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self.bulk = bulk
        self._checker: subprocess.Popen | None = None  # the process checking `_pending`
        self._pending: dict[Path, tuple] = {}  # each file's signature when it was handed over
        self._checker_done = threading.Event()
        self._checker_done.set()
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
        snapshot = self.current()
        found = snapshot.in_order.get((lang, drafts))
        if found is None:
            found = tuple(
                sorted(
                    (
                        lesson
                        for (lesson_lang, _), lesson in snapshot.lessons.items()
                        if lesson_lang == lang and (drafts or not lesson.draft)
                    ),
                    key=lambda lesson: (lesson.level, lesson.title.casefold()),
                )
            )
            snapshot.in_order[(lang, drafts)] = found
        return list(found)

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
        return _target(snapshot.lessons, snapshot.statuses)(lang, lesson_id)

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
            stat = path.stat()
        except OSError:
            return None
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._image_sizes:
            try:
                with Image.open(path) as image:
                    self._image_sizes[key] = image.size
            except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
                log.warning("%s: not a readable image", path)
                self._image_sizes[key] = None
        return self._image_sizes[key]

    # Keeping in step with the files

    def refresh(self, force: bool = False) -> None:
        """Re-read added and changed lesson files, forget removed ones."""
        # Wait for a refresh already under way rather than serve what it is replacing: a
        # page asked for just after a save must show the saved file.
        with self._lock:
            if not force and time.monotonic() - self._checked_at < self.reload_interval:
                return
            changed = self._scan_lessons() | self._scan_paths()
            if changed or force:
                self.snapshot = self._build_snapshot()
            self._checked_at = time.monotonic()

    def _lesson_files(self):
        """Yield (lang, path) for every lesson.md, without reading any."""
        for lang, folder in language_folders(self.root, self.languages):
            if not folder.name.startswith((".", "_")):
                path = self._lesson_paths.get(folder.path)
                if path is None:
                    path = self._lesson_paths[folder.path] = Path(folder.path) / "lesson.md"
                yield lang, path

    def _signature(self, path: Path, pictures: tuple[str, ...]) -> tuple | None:
        """Return what tells that the lesson or one of its pictures changed; None if no file."""
        # os.stat on strings: a quarter of the cost of Path.stat, thousands of times a second.
        file = str(path)
        try:
            stat = os.stat(file)
        except OSError:
            return None
        found = [(stat.st_mtime_ns, stat.st_size)]
        folder = os.path.dirname(file)
        # A picture added, renamed or deleted changes the folder; one overwritten, itself.
        for target in (folder, *(os.path.join(folder, name) for name in pictures)):
            try:
                stat = os.stat(target)
                found.append((stat.st_mtime_ns, stat.st_size))
            except (OSError, ValueError):
                found.append(None)
        return tuple(found)

    def _scan_lessons(self) -> bool:
        """Update entries from the files; return True if anything changed."""
        seen, changed, to_check = set(), False, []
        if not self._store_pruned and self.store is not None and self.bulk is not None:
            # Left by a server stopped while another process checked its lessons (that
            # process, which checks with `bulk=None`, leaves its server's marker alone).
            with contextlib.suppress(OSError):
                (self.store / CHECKING).unlink(missing_ok=True)
        for lang, path in self._lesson_files():
            entry = self._entries.get(path)
            signature = self._signature(path, entry.pictures if entry else ())
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
                if self._still_as_published(entry):
                    self._entries[path] = entry
                    continue
                self._load_published(entry)
            to_check.append((entry, signature))
        if self._check_elsewhere(to_check):
            to_check = []
        for entry, signature in to_check:
            self._check(entry)
            # The pictures are known only now; the lesson file's and its folder's stats are
            # those taken before reading it, so a save made while it was being read shows as
            # a change at the next check instead of passing for what was read.
            after = self._signature(entry.path, entry.pictures)
            entry.signature = signature[:2] + after[2:] if after else signature
            self._entries[entry.path] = entry
        for gone in set(self._entries) - seen:
            entry = self._entries.pop(gone)
            self._forget_store(entry)
            changed = True
        if not self._store_pruned:
            self._prune_store()
        return changed

    @property
    def checking(self) -> bool:
        """Tell whether another process is checking lessons not shown yet (a first start)."""
        return not self._checker_done.is_set()

    def wait_checked(self, timeout: float | None = None) -> bool:
        """Wait until every lesson found so far is checked; return False on timeout."""
        self.current()
        return self._checker_done.wait(timeout)

    def _check_elsewhere(self, entries: list[tuple[Entry, tuple]]) -> bool:
        """Have another process check these entries if they are many; return True if so.

        Until it ends, each keeps its stored version (if any) for learners; then it is read
        again, from the store when the other process published it (`_still_as_published`).
        """
        if self._checker is not None or self.bulk is None or self.store is None:
            return False
        if len(entries) <= self.bulk:
            return False
        try:
            self.store.mkdir(parents=True, exist_ok=True)
            process = subprocess.Popen(
                [sys.executable, "-m", "coursesite.lessons.bulk"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
            )
            with process.stdin:
                arguments = (os.getpid(), self.root, self.languages, self.settings, self.store)
                process.stdin.write(pickle.dumps(arguments))
        except OSError as exc:
            log.warning("cannot check the lessons in another process: %s", exc)
            return False
        log.info("checking %d lessons in another process (pid %d)", len(entries), process.pid)
        with contextlib.suppress(OSError):
            (self.store / CHECKING).write_text(str(process.pid), encoding="utf-8")
        self._checker = process
        for entry, _ in entries:
            entry.signature = ()  # not checked here
            self._entries[entry.path] = entry
        self._pending = {entry.path: signature for entry, signature in entries}
        self._checker_done.clear()
        threading.Thread(target=self._await_checker, name="lesson-check", daemon=True).start()
        return True

    def _await_checker(self) -> None:
        """When the other process ends, read what it published (or check here if it failed)."""
        process = self._checker
        code = process.wait()
        try:
            with self._lock:
                if code != 0:
                    log.warning("checking the lessons in another process failed (%s)", code)
                    self.bulk = None  # check here from now on
                for path in self._pending:
                    entry = self._entries.get(path)
                    if entry is not None and entry.signature == ():
                        del self._entries[path]  # seen anew: read from the store if published
                self._pending = {}
                self._checker = None
                self._checked_at = float("-inf")
            self.refresh(force=True)
            for callback in self.after_check:
                callback()
        except Exception:  # noqa: BLE001 — a background thread has nobody else to tell
            log.exception("reading the checked lessons failed")
        finally:
            with contextlib.suppress(OSError):
                (self.store / CHECKING).unlink(missing_ok=True)
            self._checker_done.set()

    def _prune_store(self) -> None:
        """Forget the copies of lessons removed while the site was stopped."""
        self._store_pruned = True
        if self._published is not None:
            self._published.prune(self.languages, {e.key for e in self._entries.values()})

    def _load_published(self, entry: Entry) -> None:
        """Give a file seen for the first time its stored good version, if it has one."""
        stored = self._stored_path(entry)
        if stored is not None and stored.is_file():
            try:
                entry.published = load_lesson(stored, entry.lang).packed_copy()
                record = self._published.record(*entry.key) or {}
                entry.published_at = record.get("published_at") or stored.stat().st_mtime
            except (LessonError, OSError) as exc:
                log.warning("stored version of %s cannot be read: %s", entry.path, exc)

    def _still_as_published(self, entry: Entry) -> bool:
        """Tell whether the file is the version published before the last restart.

        Checking every lesson costs a few milliseconds each (the pictures are opened); the
        stored record of the published version (its files' times and sizes, its links) lets
        a restart skip lessons that nobody touched since, and only read them.
        """
        record = self._published.record(*entry.key) if self._published else None
        if not record or record.get("settings") != self._settings_key():
            return False
        pictures = tuple(record.get("pictures", ()))
        signature = self._signature(entry.path, pictures)
        if signature is None or plain(signature) != record.get("signature"):
            return False
        try:
            lesson = self._published.lesson(entry.path, entry.lang, record)
            if lesson is None:
                lesson = load_lesson(entry.path, entry.lang).packed_copy()
            links = [LessonLink(entry.path, *link) for link in record.get("links", ())]
        except (LessonError, OSError, TypeError):
            return False
        entry.current = entry.published = lesson
        entry.signature, entry.pictures, entry.links = signature, pictures, links
        entry.published_at = record.get("published_at")
        return True

    def _check(self, entry: Entry) -> None:
        """Run `lessons check`'s per-lesson checks on the file as it is now."""
        report = check_one(entry.lang, entry.path, self.settings, self._images)
        # Kept packed: the steps' Markdown is unpacked when a page shows them.
        entry.current = report.parsed.lesson.packed_copy() if report.parsed else None
        entry.problems = report.problems
        entry.links = report.links
        entry.pictures = report.pictures
        entry.source = report.source

    def _scan_paths(self) -> bool:
        """Re-read paths.yml if it changed; return True if it did."""
        path = self.root / "paths.yml"
        try:
            stat = path.stat()
            signature = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            signature = None
        if signature == self._paths_signature:
            return False
        self._paths_signature = signature
        self._paths, self._paths_problems = load_paths(path) if signature else ((), [])
        return True

    def _decide(self) -> dict[tuple[str, str], Entry]:
        """Return the entries whose current version is published now (the publishing rule).

        A clean version is published unless one of its `lesson:` links would lead nowhere
        for learners; as holding one lesson back can break a link to it, decide again until
        nothing changes.
        """
        entries = {entry.key: entry for entry in self._entries.values()}
        publish = {key for key, entry in entries.items() if entry.clean}
        while True:
            lessons = {
                key: (entry.current if key in publish else entry.published)
                for key, entry in entries.items()
            }
            lessons = {key: lesson for key, lesson in lessons.items() if lesson is not None}
            target = _target(lessons, entries)
            refused = set()
            for key in publish:
                entry = entries[key]
                entry.link_problems = lesson_link_problems(
                    entry.links, target, from_draft=entry.current.draft
                )
                if entry.link_problems:
                    refused.add(key)
            if not refused:
                return {key: entries[key] for key in publish}
            publish -= refused

    def _build_snapshot(self) -> Snapshot:
        published = self._decide()
        statuses, lessons, problems = {}, {}, []
        for key, entry in sorted((e.key, e) for e in self._entries.values()):
            if key in published:
                if entry.published is not entry.current:
                    self._publish(entry)
                entry.link_problems = []
            else:
                self._hold_back(entry)
                if not entry.clean:
                    entry.link_problems = []
                problems.extend(p for p in entry.problems + entry.link_problems if p.is_error)
            if entry.published is entry.current or not entry.clean:
                # Its text is only needed to keep a copy when it is published: done, or never.
                entry.source = None
            if entry.published is not None:
                lessons[key] = entry.published
            statuses[key] = LessonStatus(
                entry.lang,
                key[1],
                entry.path,
                entry.current,
                entry.published,
                tuple(entry.problems + entry.link_problems),
                entry.published_at,
            )
        known = {lesson_id for _, lesson_id in lessons}
        problems.extend(unknown_path_lessons(self.root / "paths.yml", self._paths, known))
        problems.extend(self._paths_problems)
        problems.sort(key=lambda p: (str(p.path), p.line))
        return Snapshot(
            lessons=lessons,
            problems=problems,
            paths=self._paths,
            statuses=statuses,
            version=self.snapshot.version + 1,
        )

    # The last good versions

    def _stored_path(self, entry: Entry) -> Path | None:
        return self._published.lesson_file(*entry.key) if self._published else None

    def _publish(self, entry: Entry) -> None:
        """Make the current version the one learners see, and keep a copy of it."""
        entry.published = entry.current
        entry.published_at = time.time()
        try:
            self._save_store(entry)
        except OSError as exc:
            log.warning("cannot keep a copy of %s: %s", entry.path, exc)

    def _hold_back(self, entry: Entry) -> None:
        """Keep serving the last good version, from the stored copy when there is one."""
        # Staff read why on the health page; the log says it once per version of the file, at
        # debug level: every command starts the app (and its search indexing, which reads the
        # lessons), and `coursesite lessons check` must print each problem once, not twice.
        if entry.logged != entry.signature and entry.path not in self._pending:
            entry.logged = entry.signature
            if entry.published is None:
                log.debug("lesson not shown, it has errors: %s", _first_error(entry))
            else:
                log.debug("lesson held back (last good version shown): %s", _first_error(entry))
        if entry.published is None:
            return
        stored = self._stored_path(entry)
        if stored is not None and entry.published.path != stored and stored.is_file():
            # The lesson folder may have lost or changed the pictures of the good version.
            try:
                entry.published = load_lesson(stored, entry.lang).packed_copy()
            except (LessonError, OSError) as exc:
                log.warning("stored version of %s cannot be read: %s", entry.path, exc)

    def _settings_key(self) -> list:
        settings = self.settings
        return [list(settings.languages), settings.image_max_bytes, settings.image_max_pixels]

    def _save_store(self, entry: Entry) -> None:
        if self._published is None or entry.source is None:
            return
        record = {
            "signature": plain(entry.signature),
            "pictures": list(entry.pictures),
            "links": [[link.line, link.lang, link.lesson_id, link.written] for link in entry.links],
            "settings": self._settings_key(),
            "published_at": entry.published_at,
        }
        packed = entry.current.body.data if entry.current is not None else None
        if packed is not None:
            record["lesson"] = outline(entry.current)
        self._published.save(entry.path, entry.lang, entry.source, entry.pictures, record, packed)

    def _forget_store(self, entry: Entry) -> None:
        """Forget the copy of a lesson whose file was removed: removing it is meant."""
        if self._published is not None:
            self._published.forget(*entry.key)


def _target(lessons: dict, statuses: dict):
    """Return a LinkTargets for what learners see (and what is held back, for messages)."""
    ids = {lesson_id for _, lesson_id in lessons} | {lesson_id for _, lesson_id in statuses}

    def target(lang: str, lesson_id: str) -> str:
        lesson = lessons.get((lang, lesson_id))
        if lesson is not None:
            return LINK_DRAFT if lesson.draft else LINK_OK
        if (lang, lesson_id) in statuses:
            return LINK_HELD_BACK
        return LINK_OTHER_LANGUAGE if lesson_id in ids else LINK_MISSING

    return target


def _first_error(entry: Entry) -> str:
    errors = [p for p in entry.problems + entry.link_problems if p.is_error]
    return str(errors[0]) if errors else str(entry.path)
