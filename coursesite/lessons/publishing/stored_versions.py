"""A catalogue entry and its stored published version (published_store.py keeps the files).

At a restart, a lesson nobody touched since it was published is taken back from its record
and packed body, neither checked nor parsed; a lesson seen for the first time gets its last
good version, if any; a lesson held back is served from its stored copy (its folder may have
lost the good version's pictures). When a version is published, its copy and record are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.content import LessonLink
from coursesite.lessons.problems import LessonError
from coursesite.lessons.publishing.catalogue_entry import Entry, file_signature
from coursesite.lessons.publishing.outline import outline
from coursesite.lessons.publishing.published_store import PublishedStore, plain
from coursesite.lessons.reading.loader import load_lesson

log = logging.getLogger(__name__)


class StoredVersions:
    """The published versions of a catalogue's lessons, kept in `root` (a folder)."""

    def __init__(self, root: Path, settings: CheckSettings):
        self.store = PublishedStore(root)
        # What a stored record was checked with: other limits or languages, checked again.
        self.settings_key = [
            list(settings.languages),
            settings.image_max_bytes,
            settings.image_max_pixels,
        ]

    def restore(self, entry: Entry) -> bool:
        """Tell whether the file is the version published before the last restart; if so,
        give the entry that version, from its record.

        Checking every lesson costs a few milliseconds each (the pictures are opened); the
        stored record of the published version (its files' times and sizes, its links) lets
        a restart skip lessons that nobody touched since, and only read them.
        """
        record = self.store.record(*entry.key)
        if not record or record.get("settings") != self.settings_key:
            return False
        pictures = tuple(record.get("pictures", ()))
        signature = file_signature(entry.path, pictures)
        if signature is None or plain(signature) != record.get("signature"):
            return False
        try:
            lesson = self.store.lesson(entry.path, entry.lang, record)
            if lesson is None:
                lesson = load_lesson(entry.path, entry.lang).packed_copy()
            links = [LessonLink(entry.path, *link) for link in record.get("links", ())]
        except (LessonError, OSError, TypeError):
            return False
        entry.current = entry.published = lesson
        entry.signature, entry.pictures, entry.links = signature, pictures, links
        entry.published_at = record.get("published_at")
        return True

    def load(self, entry: Entry) -> None:
        """Give a file seen for the first time its stored good version, if it has one."""
        stored = self.store.lesson_file(*entry.key)
        if stored.is_file():
            try:
                entry.published = load_lesson(stored, entry.lang).packed_copy()
                record = self.store.record(*entry.key) or {}
                entry.published_at = record.get("published_at") or stored.stat().st_mtime
            except (LessonError, OSError) as exc:
                log.warning("stored version of %s cannot be read: %s", entry.path, exc)

    def serve_stored(self, entry: Entry) -> None:
        """Have a held-back entry's good version served from its stored copy, if not yet."""
        stored = self.store.lesson_file(*entry.key)
        if entry.published.path != stored and stored.is_file():
            # The lesson folder may have lost or changed the pictures of the good version.
            try:
                entry.published = load_lesson(stored, entry.lang).packed_copy()
            except (LessonError, OSError) as exc:
                log.warning("stored version of %s cannot be read: %s", entry.path, exc)

    def save(self, entry: Entry) -> None:
        """Keep a copy of the entry's current version, just published, and its record."""
        if entry.source is None:
            return
        record = {
            "signature": plain(entry.signature),
            "pictures": list(entry.pictures),
            "links": [[link.line, link.lang, link.lesson_id, link.written] for link in entry.links],
            "settings": self.settings_key,
            "published_at": entry.published_at,
        }
        packed = entry.current.body.data if entry.current is not None else None
        if packed is not None:
            record["lesson"] = outline(entry.current)
        self.store.save(entry.path, entry.lang, entry.source, entry.pictures, record, packed)

    def forget(self, entry: Entry) -> None:
        """Forget the copy of a lesson whose file was removed: removing it is meant."""
        self.store.forget(*entry.key)

    def prune(self, languages: Iterable[str], kept: set[tuple[str, str]]) -> None:
        """Forget the copies of lessons removed while the site was stopped."""
        self.store.prune(languages, kept)
