"""Whole pages rendered once for everyone, with holes filled for each person.

The pages learners open most (a step, the catalogue) are the same for everyone who sees
them except a few parts: the header's account links, progress, forms with their CSRF token,
the help box. A template marks each of those parts as a hole, `{{ personal("x.html") }}`,
and the view renders the page with `render_page(…)`:

- the first request renders the whole template once *without the person*: the signed-in
  user is replaced by an anonymous one, `csrf_token()` raises, and the view's personal
  values are simply absent. Each hole leaves a marker; the page is cut at the markers into
  a skeleton (text, hole, text, …) and kept under the page's key;
- every request then renders only the holes, with the person's values, and joins them with
  the skeleton's text. Nothing personal can be in the skeleton: it was never given any.

The key names everything else the page depends on (the catalogue's version first, so a
lesson edit drops every skeleton at once). Pages rendered with plain `render_template`
treat `personal()` as an ordinary include, so base.html marks its holes for every page.

A hole sees the page's variables and the arguments given to `personal()`, not the loop or
`{% with %}` variables around it: pass what it needs as arguments.
"""

import secrets
import threading
from collections import OrderedDict
from typing import NamedTuple

from flask import current_app, g
from jinja2 import pass_context
from markupsafe import Markup

from coursesite.web.shared_parts import SharedKey

# Skeletons are a few KB to a few tens of KB each (a catalogue of 2,000 lessons: 20 KB).
MAX_SKELETONS = 400


class Hole(NamedTuple):
    template: str
    args: tuple  # ((name, value), …): what personal() was given


class Skeleton(NamedTuple):
    """A page cut at its holes: texts[0], holes[0], texts[1], …, texts[-1]."""

    texts: tuple[str, ...]
    holes: tuple[Hole, ...]


class SkeletonStore:
    """The skeletons of one app, the least recently used dropped first."""

    def __init__(self, limit: int = MAX_SKELETONS):
        self.limit = limit
        self.generation = None
        self._pages: OrderedDict[tuple, Skeleton] = OrderedDict()
        self._lock = threading.Lock()
        # Marks a hole inside a rendered page; random, so no lesson text can forge one.
        self.marker = f"\x00hole-{secrets.token_hex(8)}:"

    def get(self, key: SharedKey) -> Skeleton | None:
        with self._lock:
            if key.generation != self.generation:
                return None
            found = self._pages.get(key.what)
            if found is not None:
                self._pages.move_to_end(key.what)
            return found

    def put(self, key: SharedKey, skeleton: Skeleton) -> None:
        with self._lock:
            if key.generation != self.generation:
                if self.generation is not None and key.generation < self.generation:
                    return  # made from a catalogue already replaced: keep nothing
                self._pages.clear()
                self.generation = key.generation
            self._pages[key.what] = skeleton
            while len(self._pages) > self.limit:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


class Recorder:
    """Given to the template as `page_skeleton` while the skeleton is rendered."""

    def __init__(self, marker: str):
        self.marker = marker
        self.holes: list[Hole] = []

    def hole(self, template: str, args: dict) -> str:
        self.holes.append(Hole(template, tuple(args.items())))
        return f"{self.marker}{len(self.holes) - 1}\x00"


def no_csrf_token_here():
    raise RuntimeError(
        "a page skeleton asked for a CSRF token: it would be sent to everyone. "
        'Put the form in a {{ personal("…") }} hole.'
    )


@pass_context
def personal(context, template: str, **args) -> Markup:
    """The template global that marks a hole (or, on an ordinary page, includes it)."""
    recorder = context.get("page_skeleton")
    if isinstance(recorder, Recorder):
        return Markup(recorder.hole(template, args))
    return Markup(fill(context.environment, template, {**context.get_all(), **args}))


def fill(environment, template: str, values: dict) -> str:
    """Render `template` with `values`, which already hold the environment's globals."""
    found = environment.get_template(template)
    # shared=True: the template reads `values` as they are, without copying them.
    return "".join(found.root_render_func(found.new_context(values, shared=True)))


def render_page(template: str, key: SharedKey, everyone: dict, person: dict) -> str:
    """Render `template` from its skeleton for `key`, the holes filled with `person`'s values.

    `everyone`: what the page shows to all who share the key; `person`: what only the
    holes may use (progress, forms, answers…).
    """
    app = current_app._get_current_object()
    environment = app.jinja_env
    store: SkeletonStore = environment.page_skeletons
    skeleton = store.get(key)
    if skeleton is None:
        skeleton = cut(app, template, everyone, store.marker)
        store.put(key, skeleton)
    values = {**everyone, **person}
    app.update_template_context(values)
    values = {**environment.globals, **values}  # once for all the holes
    parts = [skeleton.texts[0]]
    for hole, text in zip(skeleton.holes, skeleton.texts[1:], strict=True):
        parts.append(
            fill(environment, hole.template, {**values, **dict(hole.args)} if hole.args else values)
        )
        parts.append(text)
    return "".join(parts)


def cut(app, template: str, everyone: dict, marker: str) -> Skeleton:
    """Render the page without the person and cut it at its holes."""
    recorder = Recorder(marker)
    values = {**everyone, "page_skeleton": recorder, "csrf_token": no_csrf_token_here}
    # Whoever asked, the skeleton is rendered for nobody: Flask-Login's current_user (read by
    # the templates and by every helper they call) is an anonymous visitor meanwhile.
    person = g.get("_login_user")
    g._login_user = app.login_manager.anonymous_user()
    try:
        app.update_template_context(values)  # the values above win over context processors
        page = app.jinja_env.get_template(template).render(values)
    finally:
        if person is None:
            g.pop("_login_user", None)
        else:
            g._login_user = person
    pieces = page.split(marker)
    texts, holes = [pieces[0]], []
    for piece in pieces[1:]:
        number, text = piece.split("\x00", 1)
        holes.append(recorder.holes[int(number)])
        texts.append(text)
    if 'name="csrf_token"' in page:
        no_csrf_token_here()
    return Skeleton(tuple(texts), tuple(holes))


def init_app(app):
    """Give templates `personal()` and the app one store of page skeletons."""
    app.jinja_env.globals["personal"] = personal
    app.jinja_env.extend(page_skeletons=SkeletonStore())
