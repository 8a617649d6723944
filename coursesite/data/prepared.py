"""Queries that run on every page, their SQL built once.

Peewee builds a query's SQL in Python each time the query runs. For the queries of a
signed-in learner's step page (who is signed in, their steps done, their help requests)
building the SQL cost far more than SQLite took to answer. A PreparedQuery builds its
query once per database with `slot(name, field)` where each run's values go, keeps the
SQL, and runs it again with new values; rows come back through peewee's own row readers,
exactly as the query would give them. A reader works out, from the first row, which
column goes to which field of which model; the SQL being the same each time, that work is
kept from the first run and given to the next readers.
"""

import threading
from collections.abc import Callable, Iterator

from peewee import Field, Query, Value

from coursesite.data.database import database

# A reader's own state for one run (peewee's CursorWrapper); the rest is the column work.
PER_RUN = frozenset({"cursor", "count", "index", "initialized", "populated", "row_cache"})


class Slot:
    """A value left open in a prepared query: filled, as `field` stores it, at each run."""

    def __init__(self, name: str, field: Field):
        self.name = name
        self.field = field


def slot(name: str, field: Field) -> Value:
    """Mark where a run's `name` value goes; compare it with `field` (its column)."""
    return Value(Slot(name, field), converter=False)


class PreparedQuery:
    """A query built by `build()` with slots, its SQL made once per database."""

    def __init__(self, build: Callable[[], Query]):
        self.build = build
        self._made: dict[type, tuple[Query, str, list]] = {}  # by kind of database
        self._readers: dict[type, dict] = {}  # a reader's column work, by kind of database
        self._lock = threading.Lock()

    def rows(self, **values) -> Iterator:
        """Run the query with these slot values; yield its rows as peewee would."""
        query, cursor = self._run(values)
        # The query object is shared by threads: it only tells the reader how rows look.
        return self._read(type(database.obj), query._get_cursor_wrapper(cursor))

    def plain_rows(self, **values) -> list[tuple]:
        """Run the query with these slot values; return the database's own rows, read by
        no field: only for columns stored as they are read (text, integers), such as the
        hundreds of steps done of a learner well along, where peewee's reading of each
        value cost ten times SQLite's."""
        return self._run(values)[1].fetchall()

    def _run(self, values: dict):
        db = database.obj
        made = self._made.get(type(db))
        if made is None:
            with self._lock:
                query = self.build()
                sql, params = query.bind(db).sql()
                made = self._made[type(db)] = (query, sql, params)
        query, sql, params = made
        filled = [p.field.db_value(values[p.name]) if isinstance(p, Slot) else p for p in params]
        return query, db.execute_sql(sql, filled)

    def _read(self, kind: type, reader) -> Iterator:
        known = self._readers.get(kind)
        if known is not None:
            reader.__dict__.update(known)
            reader.initialized = True
        for row in reader.iterator():
            if known is None and reader.initialized:
                # What initialize() worked out from the cursor, not this run's rows.
                known = self._readers[kind] = {
                    name: value for name, value in vars(reader).items() if name not in PER_RUN
                }
            yield row

    def first(self, **values):
        """Return the first row, or None."""
        return next(self.rows(**values), None)
