"""Full-text search over lesson titles, summaries and steps (SQLite FTS5 through peewee).

The index is derived from the lesson files, so it lives in its own SQLite file in the
instance folder (whatever database holds the accounts) and is rebuilt lesson by lesson
when a file changes. A digest per lesson lets a restart skip lessons already indexed.

Each language has its own table (`lesson_text_fr`, `lesson_text_en`…): a search reads only
its language's rows. With one table for all, telling a French row from an English one
read each matching row's stored text, which cost more than ranking them.

A row's number (its rowid) is its lesson's slot × STEP_SLOTS + its step: ties in rank go
to lesson headings (step 0) without reading each matching row's stored step number (half
the cost of a search for a common word), and a lesson's rows are deleted by their range.
"""

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from peewee import CharField, IntegerField, Model, SqliteDatabase, fn
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

from coursesite.learn.lesson_pages.search_words import (
    MARK_END,
    MARK_START,
    fts_queries,
    split_snippet,
)
from coursesite.lessons.markup.plaintext import markdown_text
from coursesite.lessons.markup.typography import keep_french_punctuation_together
from coursesite.lessons.model import Lesson
from coursesite.lessons.publishing.catalogue import Catalogue
from coursesite.lessons.synonyms import SynonymsFile

MAX_RESULTS = 30
BATCH = 100  # lessons written per transaction
log = logging.getLogger(__name__)


# The index file's format (SQLite's user_version): a file of another format is emptied and
# every lesson indexed again. 0: one table for all languages, or no slots; 2: as above.
INDEX_FORMAT = 2
STEP_SLOTS = 1 << 16  # rows per lesson: its heading and up to 65,535 steps
HEADING_WEIGHT = 2.0  # a lesson's heading (title, summary, topics) against one step


def index_models(database: SqliteDatabase, languages) -> tuple[dict[str, type], type]:
    """Return the index tables bound to this app's own index file: {language: its text
    table}, and the table of which version of each lesson is indexed.

    Made per app rather than bound through a shared proxy, so two apps in one process
    (a test server beside a test client) never write into each other's index.
    """
    texts = {}
    for lang in languages:

        class LessonText(FTS5Model):
            """One searchable part of a lesson: its heading part (step 0) or one step."""

            rowid = RowIDField()
            lesson_id = SearchField(unindexed=True)
            step = SearchField(unindexed=True)  # 0 = title, summary and introduction
            title = SearchField()
            body = SearchField()

            class Meta:
                table_name = f"lesson_text_{lang}"
                options = {"tokenize": "unicode61 remove_diacritics 2", "prefix": "2 3"}

        LessonText._meta.set_database(database)
        texts[lang] = LessonText

    class IndexedLesson(Model):
        """Which version of each lesson the index holds."""

        lang = CharField()
        lesson_id = CharField()
        digest = CharField()
        slot = IntegerField()  # its rows are slot × STEP_SLOTS + step

        class Meta:
            table_name = "indexed_lesson"
            primary_key = False
            indexes = ((("lang", "lesson_id"), True), (("lang", "slot"), True))

    IndexedLesson._meta.set_database(database)
    return texts, IndexedLesson


@dataclass(frozen=True)
class Hit:
    lesson: Lesson
    step: int  # 0 for the lesson itself
    snippet: tuple[tuple[str, bool], ...]  # (text, is_match) pieces


def lesson_rows(lesson: Lesson, slot: int) -> list[dict]:
    """Return the index rows of one lesson, numbered from its slot."""
    first = slot * STEP_SLOTS
    rows = [
        {
            "rowid": first,
            "lesson_id": lesson.id,
            "step": 0,
            "title": lesson.title,
            "body": f"{lesson.summary} {' '.join(lesson.topics)} {markdown_text(lesson.intro)}",
        }
    ]
    # A lesson of more steps than its slot holds has its first 65,535 searchable.
    for number, step in enumerate(lesson.steps[: STEP_SLOTS - 1], start=1):
        rows.append(
            {
                "rowid": first + number,
                "lesson_id": lesson.id,
                "step": number,
                "title": markdown_text(step.title),
                "body": markdown_text(step.source),
            }
        )
    return rows


def lesson_digest(lesson: Lesson) -> str:
    parts = [lesson.title, lesson.summary, " ".join(lesson.topics), lesson.intro, str(lesson.draft)]
    for step in lesson.steps:
        parts += [step.title, step.source]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class SearchIndex:
    """The search index of one app, kept in step with its catalogue."""

    def __init__(
        self,
        catalogue: Catalogue,
        path: Path,
        synonyms: SynonymsFile | None = None,
        languages=("fr", "en"),
    ):
        self.catalogue = catalogue
        self.synonyms = synonyms  # lessons/synonyms.yml: the words people type
        self.database = SqliteDatabase(
            str(path),
            pragmas={"journal_mode": "wal", "busy_timeout": 5000},
            check_same_thread=False,
        )
        self.texts, self.Indexed = index_models(self.database, languages)
        self._indexed: dict[tuple[str, str], Lesson] = {}
        self._snapshot = None
        self._lock = threading.Lock()
        with self.database.connection_context():
            with self.database.atomic():
                (found,) = self.database.execute_sql("PRAGMA user_version").fetchone()
                if found != INDEX_FORMAT:
                    self._empty()
                    self.database.execute_sql(f"PRAGMA user_version = {INDEX_FORMAT}")
            self.database.create_tables([*self.texts.values(), self.Indexed], safe=True)

    def _empty(self) -> None:
        """Drop every table of an index file of another format (a new file has none)."""
        # The full-text tables first: each takes its own storage tables with it.
        for (name,) in self.database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
        ).fetchall():
            self.database.execute_sql(f'DROP TABLE "{name}"')
        for name in self.database.get_tables():
            self.database.execute_sql(f'DROP TABLE IF EXISTS "{name}"')

    def sync(self) -> None:
        """Re-index the lessons that changed since the last call."""
        snapshot = self.catalogue.current()
        if snapshot is self._snapshot:
            return
        with self._lock:
            if snapshot is self._snapshot:
                return
            with self.database.connection_context():
                stored = {(r.lang, r.lesson_id): r.digest for r in self.Indexed.select()}
                changed = []
                for key, lesson in snapshot.lessons.items():
                    if self._indexed.get(key) is lesson or lesson.lang not in self.texts:
                        continue
                    digest = lesson_digest(lesson)
                    if stored.get(key) != digest:
                        changed.append((lesson, digest))
                    self._indexed[key] = lesson
                # Small transactions: another process sharing the index file never waits long.
                # IMMEDIATE: the write lock first, so two processes never pick the same slot.
                for start in range(0, len(changed), BATCH):
                    with self.database.atomic("IMMEDIATE"):
                        for lesson, digest in changed[start : start + BATCH]:
                            self._write(lesson, digest)
                with self.database.atomic("IMMEDIATE"):
                    for key in set(stored) - set(snapshot.lessons):
                        self._delete(*key)
                        self._indexed.pop(key, None)
            self._snapshot = snapshot

    def sync_in_background(self) -> None:
        """Index without delaying start-up; a failure is logged, searches retry it."""
        try:
            self.sync()
        except Exception:  # noqa: BLE001 — a background thread has nobody else to tell
            log.exception("search index: background indexing failed")

    def _delete(self, lang: str, lesson_id: str) -> int | None:
        """Delete a lesson's rows; return the slot they had (None if it had none)."""
        Text, Indexed = self.texts.get(lang), self.Indexed
        this_lesson = (Indexed.lang == lang) & (Indexed.lesson_id == lesson_id)
        slot = Indexed.select(Indexed.slot).where(this_lesson).scalar()
        if slot is None:
            return None
        if Text is not None:
            first = slot * STEP_SLOTS
            Text.delete().where((Text.rowid >= first) & (Text.rowid < first + STEP_SLOTS)).execute()
        Indexed.delete().where(this_lesson).execute()
        return slot

    def _write(self, lesson: Lesson, digest: str) -> None:
        # Its slot if it had one (another process may have indexed it meanwhile).
        slot = self._delete(lesson.lang, lesson.id)
        if slot is None:  # a lesson never indexed: the language's next slot
            Indexed = self.Indexed
            top = Indexed.select(fn.MAX(Indexed.slot)).where(Indexed.lang == lesson.lang).scalar()
            slot = (top or 0) + 1
        self.texts[lesson.lang].insert_many(lesson_rows(lesson, slot)).execute()
        self.Indexed.insert(
            lang=lesson.lang, lesson_id=lesson.id, digest=digest, slot=slot
        ).execute()

    def _ranked_rows(self, lang: str, query: str, limit: int, leaving_out: str | None = None):
        """Return (lesson id, step, body snippet, title) of the best `limit` rows matching
        `query`, but not `leaving_out`.

        By bm25, a match in a title counting five times one in the text, and a lesson's own
        heading (step 0) twice a step (a word that names a lesson finds the lesson first);
        on a tie, the heading first, then the steps in order, from the rowid alone.
        """
        table = f'"{self.texts[lang]._meta.table_name}"'
        step = f"rowid & {STEP_SLOTS - 1}"
        where, arguments = f"{table} MATCH ?", [query]
        if leaving_out is not None:
            where += f" AND rowid NOT IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"
            arguments.append(leaving_out)
        return self.database.execute_sql(
            f"SELECT lesson_id, step, snippet({table}, 3, ?, ?, '…', 12), "
            f"highlight({table}, 2, ?, ?) FROM {table} WHERE {where} "
            f"ORDER BY bm25({table}, 0, 0, 5.0, 1.0) "
            f"* (CASE WHEN {step} = 0 THEN {HEADING_WEIGHT} ELSE 1.0 END), {step} LIMIT ?",
            (MARK_START, MARK_END, MARK_START, MARK_END, *arguments, limit),
        ).fetchall()

    def search(self, lang: str, text: str, *, drafts: bool = False) -> list[Hit]:
        """Return the best matches in this language: rows with the words as typed first,
        then by rank, lesson headings first on ties."""
        synonyms = self.synonyms.current() if self.synonyms else None
        query, as_typed = fts_queries(text, synonyms, lang)
        if query is None or lang not in self.texts:
            return []
        self.sync()
        # Each server thread keeps its own connection to the index: opening one (and running
        # its pragmas) cost more than the search itself.
        self.database.connect(reuse_if_open=True)
        # Snippets are made only for the rows asked for: ask for a page and a few more (for
        # drafts and lessons no longer shown), and for more only if those were not enough.
        limit = MAX_RESULTS + 10
        while True:
            # The words as typed first, ranked by themselves: "email" must not put "a letter
            # in the mail" (a synonym, in a step's title) before the lesson on email. Then the
            # rows only a synonym finds.
            rows = self._ranked_rows(lang, as_typed or query, limit)
            if as_typed is not None and len(rows) < limit:
                rows += self._ranked_rows(lang, query, limit - len(rows), leaving_out=as_typed)
            hits = []
            shown = self.catalogue.current().lessons  # one snapshot for the whole page
            for lesson_id, step, body_snippet, title in rows:
                lesson = shown.get((lang, lesson_id))
                number = int(step)
                if lesson is None or (lesson.draft and not drafts) or number > len(lesson.steps):
                    continue
                pieces = body_snippet if MARK_START in body_snippet else title
                # The index holds the lessons' plain text: bound here as on the lesson's page.
                pieces = keep_french_punctuation_together(pieces)
                hits.append(Hit(lesson=lesson, step=number, snippet=split_snippet(pieces)))
            if len(hits) >= MAX_RESULTS or len(rows) < limit:
                break
            limit *= 4
        return hits[:MAX_RESULTS]
