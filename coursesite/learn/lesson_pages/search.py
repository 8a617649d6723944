"""Full-text search over lesson titles, summaries and steps (SQLite FTS5 through peewee).

The index is derived from the lesson files, so it lives in its own SQLite file in the
instance folder (whatever database holds the accounts) and is rebuilt lesson by lesson
when a file changes. A digest per lesson lets a restart skip lessons already indexed.

Each language has its own table (`lesson_text_fr`, `lesson_text_en`…): a search reads only
its language's rows. With one table for all, telling a French row from an English one
read each matching row's stored text, which cost more than ranking them.
"""

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from peewee import CharField, Model, SqliteDatabase
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

from coursesite.lessons.markup.plaintext import markdown_text
from coursesite.lessons.model import Lesson
from coursesite.lessons.publishing.catalogue import Catalogue
from coursesite.lessons.synonyms import Synonyms, SynonymsFile

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_RESULTS = 30
BATCH = 100  # lessons written per transaction
WORD = re.compile(r"\w+", re.UNICODE)
# Marks around matched words in snippets: characters that never occur in lesson text.
MARK_START, MARK_END = "\x02", "\x03"
log = logging.getLogger(__name__)


# Before each language had its own table, all were in this one: dropped, and indexed again.
ONE_TABLE_FOR_ALL = "lesson_text"


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

        class Meta:
            table_name = "indexed_lesson"
            primary_key = False
            indexes = ((("lang", "lesson_id"), True),)

    IndexedLesson._meta.set_database(database)
    return texts, IndexedLesson


@dataclass(frozen=True)
class Hit:
    lesson: Lesson
    step: int  # 0 for the lesson itself
    snippet: tuple[tuple[str, bool], ...]  # (text, is_match) pieces


def lesson_rows(lesson: Lesson) -> list[dict]:
    """Return the index rows of one lesson."""
    rows = [
        {
            "lesson_id": lesson.id,
            "step": 0,
            "title": lesson.title,
            "body": f"{lesson.summary} {' '.join(lesson.topics)} {markdown_text(lesson.intro)}",
        }
    ]
    for number, step in enumerate(lesson.steps, start=1):
        rows.append(
            {
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


def fts_query(text: str, synonyms: Synonyms | None = None, lang: str = "") -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word, as a prefix.

    With synonyms, a word or phrase of a group also matches the group's other entries:
    "chômage" finds "assurance-emploi" (`("chomage"* OR "assurance emploi")`).
    """
    text = text[:MAX_QUERY_CHARS]
    if synonyms is None:
        units = [((word,),) for word in WORD.findall(text)]
    else:
        units = synonyms.expand(lang, text)
    # Each word is quoted, so nothing typed can be read as FTS5 syntax (AND, NEAR, *, ").
    # What was typed matches as a prefix ("cour" finds "courriel"); a synonym, as written.
    parts = []
    for typed, *others in units[:MAX_TERMS]:
        alternatives = [f'"{" ".join(typed)}"*', *(f'"{" ".join(other)}"' for other in others)]
        parts.append(alternatives[0] if not others else f"({' OR '.join(alternatives)})")
    return " ".join(parts) or None


def split_snippet(snippet: str) -> tuple[tuple[str, bool], ...]:
    """Split a snippet with match marks into (text, is_match) pieces."""
    pieces = []
    for part in re.split(f"({MARK_START}.*?{MARK_END})", snippet):
        if part.startswith(MARK_START):
            pieces.append((part[1:-1], True))
        elif part:
            pieces.append((part, False))
    return tuple(pieces)


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
            if ONE_TABLE_FOR_ALL in self.database.get_tables():
                with self.database.atomic():
                    self.database.execute_sql(f"DROP TABLE {ONE_TABLE_FOR_ALL}")
                    self.database.execute_sql("DROP TABLE IF EXISTS indexed_lesson")
            self.database.create_tables([*self.texts.values(), self.Indexed], safe=True)

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
                for start in range(0, len(changed), BATCH):
                    with self.database.atomic():
                        for lesson, digest in changed[start : start + BATCH]:
                            self._write(lesson, digest, replace=(lesson.lang, lesson.id) in stored)
                with self.database.atomic():
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

    def _delete(self, lang: str, lesson_id: str) -> None:
        Text, Indexed = self.texts.get(lang), self.Indexed
        if Text is not None:
            Text.delete().where(Text.lesson_id == lesson_id).execute()
        Indexed.delete().where((Indexed.lang == lang) & (Indexed.lesson_id == lesson_id)).execute()

    def _write(self, lesson: Lesson, digest: str, replace: bool = True) -> None:
        # Deleting scans the whole FTS table (lang and lesson_id are not indexed there):
        # skip it for lessons never indexed, or building a fresh index is quadratic.
        if replace:
            self._delete(lesson.lang, lesson.id)
        self.texts[lesson.lang].insert_many(lesson_rows(lesson)).execute()
        self.Indexed.insert(lang=lesson.lang, lesson_id=lesson.id, digest=digest).execute()

    def search(self, lang: str, text: str, *, drafts: bool = False) -> list[Hit]:
        """Return the best matches in this language, lesson headings first on ties."""
        query = fts_query(text, self.synonyms.current() if self.synonyms else None, lang)
        if query is None or lang not in self.texts:
            return []
        table = f'"{self.texts[lang]._meta.table_name}"'
        self.sync()
        # Each server thread keeps its own connection to the index: opening one (and running
        # its pragmas) cost more than the search itself. bm25 weights: a match in a title
        # counts five times one in the text.
        self.database.connect(reuse_if_open=True)
        # Snippets are made only for the rows asked for: ask for a page and a few more (for
        # drafts and lessons no longer shown), and for more only if those were not enough.
        limit = MAX_RESULTS + 10
        while True:
            rows = self.database.execute_sql(
                f"SELECT lesson_id, step, snippet({table}, 3, ?, ?, '…', 12), "
                f"highlight({table}, 2, ?, ?) FROM {table} "
                f"WHERE {table} MATCH ? "
                f"ORDER BY bm25({table}, 0, 0, 5.0, 1.0), CAST(step AS INTEGER) LIMIT ?",
                (MARK_START, MARK_END, MARK_START, MARK_END, query, limit),
            ).fetchall()
            hits = []
            for lesson_id, step, body_snippet, title in rows:
                lesson = self.catalogue.get(lang, lesson_id, drafts=drafts)
                number = int(step)
                if lesson is None or number > len(lesson.steps):
                    continue
                pieces = body_snippet if MARK_START in body_snippet else title
                hits.append(Hit(lesson=lesson, step=number, snippet=split_snippet(pieces)))
            if len(hits) >= MAX_RESULTS or len(rows) < limit:
                break
            limit *= 4
        return hits[:MAX_RESULTS]
