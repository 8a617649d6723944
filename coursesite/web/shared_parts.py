"""Parts of a page that are the same for everyone who sees it: rendered once, then reused.

A view that can name everything some parts of its page depend on passes that name to its
template as `shared_parts=SharedKey(generation, …)`; the template wraps those parts in
`{% shared "name" %}…{% endshared %}`. The first request renders a part and keeps it under
(key, name); the next ones copy it. On pages rendered without a key the tag does nothing,
so base.html can mark its parts for every page that opts in.

What depends on the person stays outside the tags: progress, forms and their CSRF token,
the header's account part, display preferences, anything read from the request. A part
that holds a CSRF token is refused with an error the first time it is rendered, so a form
can never be cached for everyone by mistake.

The generation is the lesson catalogue's version: when a lesson file changes, every part
built from the previous version is dropped at once. At most MAX_PARTS parts are kept (the
least recently used go first), about 2 KB each.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

from flask import current_app
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

MAX_PARTS = 4000


class SharedKey(NamedTuple):
    """Everything the shared parts of one page depend on; `generation` first."""

    generation: int
    what: tuple


class PartCache:
    """A bounded, thread-safe store of rendered parts (and a view's values) for one app."""

    def __init__(self, limit: int = MAX_PARTS):
        self.limit = limit
        self.generation = None
        self._parts: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: SharedKey, name: str) -> Any:
        with self._lock:
            if key.generation != self.generation:
                return None
            part = self._parts.get((key.what, name))
            if part is not None:
                self._parts.move_to_end((key.what, name))
            return part

    def put(self, key: SharedKey, name: str, part: Any) -> None:
        with self._lock:
            if key.generation != self.generation:
                if self.generation is not None and key.generation < self.generation:
                    return  # rendered from a catalogue already replaced: keep nothing
                self._parts.clear()
                self.generation = key.generation
            self._parts[(key.what, name)] = part
            while len(self._parts) > self.limit:
                self._parts.popitem(last=False)

    def __len__(self) -> int:
        return len(self._parts)


class SharedParts(Extension):
    """The `{% shared "name" %}…{% endshared %}` tag."""

    tags = {"shared"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(shared_parts=PartCache())

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        call = self.call_method("_part", [nodes.ContextReference(), name])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _part(self, context, name: str, caller) -> Markup:
        key = context.get("shared_parts")
        if not isinstance(key, SharedKey):
            return caller()
        cache: PartCache = self.environment.shared_parts
        part = cache.get(key, name)
        if part is None:
            part = Markup(caller())
            if 'name="csrf_token"' in part:
                raise RuntimeError(
                    f"shared part {name!r} holds a form's CSRF token: it would be sent to "
                    "everyone. Keep forms outside {% shared %}."
                )
            cache.put(key, name, part)
        return part


def shared_value(key: SharedKey, name: str, make: Callable[[], Any]) -> Any:
    """Return what `make()` gives for this page key, made once: e.g. the links a view computes."""
    cache: PartCache = current_app.jinja_env.shared_parts
    value = cache.get(key, "view:" + name)
    if value is None:
        value = make()
        cache.put(key, "view:" + name, value)
    return value


def init_app(app):
    """Give templates the `{% shared %}` tag, with one store of parts per app."""
    app.jinja_env.add_extension(SharedParts)
