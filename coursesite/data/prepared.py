"""Queries that run on every page, their SQL built once.

Peewee builds a query's SQL in Python each time the query runs. For the queries of a
signed-in learner's step page (who is signed in, their steps done, their help requests)
building the SQL cost far more than SQLite took to answer. A PreparedQuery builds its
query once per database with `slot(name, field)` where each run's values go, keeps the
SQL, and runs it again with new values; rows come back exactly as the query would give them.

Reading them cost more than running them. Peewee's row reader takes some sixty Python
calls for the signed-in person's row (a sign-in and its account) and sets each value
through the field's descriptor; a RowMaker, worked out once per query from its columns,
reads a row in a handful: each column's value read by its field (`python_value`, as
peewee does), straight into the model's data, the joined account linked as peewee links
it. It sets the attributes peewee's own reader sets (`__data__`, `__rel__`): peewee's
model internals, hence peewee's upper bound in pyproject.toml, and tests/test_prepared.py
compares its rows with peewee's value for value, so a peewee that changed them fails there
first. Queries of other shapes keep peewee's reader, its column work (which column goes to
which field) kept from the first run, the SQL being the same each time.
"""

import threading
from collections.abc import Callable

from peewee import ROW, Field, FieldAlias, ForeignKeyField, Model, Query, Value

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
        self._maker: RowMaker | None = None  # made with the first query built
        self._lock = threading.Lock()

    def rows(self, **values) -> list:
        """Run the query with these slot values; return its rows as peewee would give them."""
        query, cursor = self._run(values)
        found = cursor.fetchall()
        if not found:  # most of a step page's reads: no help request, no answer yet
            return found
        if self._maker is not None:
            return [self._maker(row) for row in found]
        # The query object is shared by threads: it only tells the reader how rows look.
        reader = query._get_cursor_wrapper(cursor)
        kind = type(database.obj)
        known = self._readers.get(kind)
        if known is None:
            reader.initialize()  # from the cursor's description: which column goes where
            known = self._readers[kind] = {
                name: value for name, value in vars(reader).items() if name not in PER_RUN
            }
        else:
            reader.__dict__.update(known)
        return [reader.process_row(row) for row in found]

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
                self._maker = self._maker or RowMaker.for_query(query)
                made = self._made[type(db)] = (query, sql, params)
        query, sql, params = made
        filled = [p.field.db_value(values[p.name]) if isinstance(p, Slot) else p for p in params]
        return query, db.execute_sql(sql, filled)

    def first(self, **values):
        """Return the first row, or None."""
        found = self.rows(**values)
        return found[0] if found else None


class RowMaker:
    """Make a query's rows from the database's own rows, as peewee's reader would: tuples,
    or instances of its model, each model it joins by a foreign key of its own linked."""

    def __init__(self, tuples: bool, root, models: list, links: list):
        self.tuples = tuples
        self.root = root
        self.models = models  # [(model, [(column index, field name, read)])]
        self.links = links  # [(foreign key name on the root, joined model, its key's name)]
        self.reads = [(index, read) for index, _, read in models[0][1]] if tuples else []

    @classmethod
    def for_query(cls, query: Query) -> "RowMaker | None":
        """Return the RowMaker of a query of tuples of fields, or of whole models joined by
        the root's foreign keys; None for any other shape (peewee's reader reads it)."""
        columns = query._returning
        if not all(isinstance(c, Field) and not isinstance(c, FieldAlias) for c in columns):
            return None  # an expression, a function, an alias: peewee knows how to read it
        if query._row_type == ROW.TUPLE:
            reads = [(index, None, column.python_value) for index, column in enumerate(columns)]
            return cls(True, None, [(None, reads)], [])
        if query._row_type is not None:
            return None
        root = query.model
        by_model: dict = {}  # {model: [(column index, field)]}
        for index, column in enumerate(columns):
            if not (isinstance(column.model, type) and issubclass(column.model, Model)):
                return None  # a column of an aliased model
            by_model.setdefault(column.model, []).append((index, column))
        if root not in by_model:
            return None
        links = []
        for model, selected in by_model.items():
            if model is root:
                continue
            keys = [
                field
                for field in root._meta.sorted_fields
                if isinstance(field, ForeignKeyField) and field.rel_model is model
            ]
            primary_key = model._meta.primary_key
            # (By identity: a peewee field's == makes an SQL expression.)
            if len(keys) != 1 or not any(field is primary_key for _, field in selected):
                return None  # joined some other way, by two keys, or its key not read
            links.append((keys[0].name, model, primary_key.name))
        models = [
            (model, [(index, field.name, field.python_value) for index, field in selected])
            for model, selected in by_model.items()
        ]
        return cls(False, root, models, links)

    def __call__(self, row: tuple):
        if self.tuples:
            return tuple(
                [
                    value if (value := row[index]) is None else read(value)
                    for index, read in self.reads
                ]
            )
        made = {}
        for model, reads in self.models:
            instance = model(__no_default__=True)  # no defaults, nothing to save
            instance.__data__ = {
                name: value if (value := row[index]) is None else read(value)
                for index, name, read in reads
            }
            made[model] = instance
        root = made[self.root]
        for key, model, primary_key in self.links:
            joined = made[model]
            # As peewee: the joined row, or None when it is known to be missing (outer join).
            root.__rel__[key] = None if joined.__data__[primary_key] is None else joined
        return root
