"""Whole pages rendered once for everyone, with holes filled for each person.

The pages learners open most (a step, the catalogue, a search) are the same for everyone
who sees them except a few parts: the header's account links, progress, forms with their
CSRF token, the help box. A template marks each of those parts as a hole,
`{{ personal("x.html") }}`, and the view renders the page with `render_page(…)`:

- the first request renders the whole template once *without the person*: the signed-in
  user is replaced by a stand-in that has their role and nothing else (a visitor: an
  anonymous user), `csrf_token()` raises, and the view's personal values are simply
  absent. Each hole leaves a marker; the page is cut at the markers into a skeleton (text,
  hole, text, …) and kept under the page's key, which names the role;
- every request then renders only the holes, with the person's values, and joins them with
  the skeleton's text. Nothing personal can be in the skeleton: it was never given any.

The key names everything else the page depends on (the catalogue's version first, so a
lesson edit drops every skeleton at once). Pages rendered with plain `render_template`
treat `personal()` as an ordinary include, so base.html marks its holes for every page.

A hole sees the page's variables and the arguments given to `personal()`, not the loop or
`{% with %}` variables around it: pass what it needs as arguments. Where a page has many
small holes (a progress bar on each lesson card), `{{ personal_part("card_bars", key) }}`
costs a dictionary lookup instead of a template: the view gives the person's
`card_bars` ({key: HTML}), and a missing key shows nothing. A form's CSRF field is
`{{ personal_csrf_field() }}`, a hole filled with the token alone.

What only depends on the role (the header's "My account" and "Sign out", the desks' links,
the link to the lab's settings) is part of the skeleton; reading anything else of the
stand-in (a name, an id) while the skeleton is made is an error, not an empty string.
"""

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

from flask import current_app, g
from jinja2 import pass_context
from markupsafe import Markup, escape

from coursesite.data.models import ROLES

# Skeletons are a few KB to a few tens of KB each (a catalogue of 2,000 lessons: 20 KB).
MAX_KEPT = 400


class PageKey(NamedTuple):
    """Everything a kept page depends on. `generation` (the lesson catalogue's version)
    first: when a lesson file changes, everything kept from the older version is dropped.
    `who`: the role the page is made for ("visitor", "learner", "helper", "staff")."""

    generation: int
    who: str
    what: tuple


class Hole(NamedTuple):
    # A template rendered for each person; PART: a value looked up by key; CSRF: the token.
    template: str
    args: tuple  # ((name, value), …): what personal() was given; or (values name, key)


PART = "\x00part"
CSRF = "\x00csrf"
CSRF_FIELD = '<input type="hidden" name="csrf_token" value="%s">'


class Skeleton(NamedTuple):
    """A page cut at its holes: texts[0], holes[0], texts[1], …, texts[-1]."""

    texts: tuple[str, ...]
    holes: tuple[Hole, ...]


class PageStore:
    """What one app keeps per page key (skeletons, and values a view computes once), the
    least recently used dropped first."""

    def __init__(self, limit: int = MAX_KEPT):
        self.limit = limit
        self.generation = None
        self._kept: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        # Marks a hole inside a rendered page; random, so no lesson text can forge one.
        self.marker = f"\x00hole-{secrets.token_hex(8)}:"

    def get(self, key: PageKey, name: str) -> Any:
        with self._lock:
            if key.generation != self.generation:
                return None
            found = self._kept.get((key.who, key.what, name))
            if found is not None:
                self._kept.move_to_end((key.who, key.what, name))
            return found

    def put(self, key: PageKey, name: str, value: Any) -> None:
        with self._lock:
            if key.generation != self.generation:
                if self.generation is not None and key.generation < self.generation:
                    return  # made from a catalogue already replaced: keep nothing
                self._kept.clear()
                self.generation = key.generation
            self._kept[(key.who, key.what, name)] = value
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


class Recorder:
    """Given to the template as `page_skeleton` while the skeleton is rendered."""

    def __init__(self, marker: str):
        self.marker = marker
        self.holes: list[Hole] = []

    def hole(self, template: str, args: tuple) -> str:
        self.holes.append(Hole(template, args))
        return f"{self.marker}{len(self.holes) - 1}\x00"


def no_csrf_token_here():
    raise RuntimeError(
        "a page skeleton asked for a CSRF token: it would be sent to everyone. "
        "Use {{ personal_csrf_field() }} in the form."
    )


class PersonalValueInSkeleton(RuntimeError):
    """A template read something personal of the user while a skeleton was made."""


class RoleStandIn:
    """The signed-in user while a skeleton is made: their role, and nothing of the person."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, role: str):
        self.role = role

    def has_role(self, role: str) -> bool:
        return role in ROLES and ROLES.index(self.role) >= ROLES.index(role)

    def get_id(self):
        raise PersonalValueInSkeleton("a page skeleton asked for the user's id")

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)  # Python's own protocols ask, and accept a no
        # Not an AttributeError: Jinja would quietly show an empty string.
        raise PersonalValueInSkeleton(
            f"a page skeleton read current_user.{name}: it would be sent to everyone "
            f'of the role. Put it in a {{{{ personal("…") }}}} hole.'
        )


@pass_context
def personal(context, template: str, **args) -> Markup:
    """The template global that marks a hole (or, on an ordinary page, includes it)."""
    recorder = context.get("page_skeleton")
    if isinstance(recorder, Recorder):
        return Markup(recorder.hole(template, tuple(args.items())))
    return Markup(fill(context.environment, template, {**context.get_all(), **args}))


@pass_context
def personal_part(context, name: str, key) -> Markup:
    """The template global for a hole filled with `name[key]` of the person's values."""
    recorder = context.get("page_skeleton")
    if isinstance(recorder, Recorder):
        return Markup(recorder.hole(PART, (name, key)))
    return Markup(context.get(name, {}).get(key, ""))


@pass_context
def personal_csrf_field(context) -> Markup:
    """The template global for a form's CSRF field: a hole filled with the person's token."""
    recorder = context.get("page_skeleton")
    if isinstance(recorder, Recorder):
        return Markup(recorder.hole(CSRF, ()))
    return Markup(CSRF_FIELD % escape(context["csrf_token"]()))


def fill(environment, template: str, values: dict) -> str:
    """Render `template` with `values`, which already hold the environment's globals."""
    found = environment.get_template(template)
    # shared=True: the template reads `values` as they are, without copying them.
    return "".join(found.root_render_func(found.new_context(values, shared=True)))


def page_value(key: PageKey, name: str, make: Callable[[], Any]) -> Any:
    """Return what `make()` gives for this page key, made once: e.g. the links a view computes."""
    store: PageStore = current_app.jinja_env.kept_pages
    value = store.get(key, name)
    if value is None:
        value = make()
        store.put(key, name, value)
    return value


def render_page(
    template: str,
    key: PageKey,
    everyone: dict,
    person: dict,
    *,
    made_with: Callable[[], dict] | None = None,
) -> str:
    """Render `template` from its skeleton for `key`, the holes filled with `person`'s values.

    `everyone`: what the page shows to all who share the key; `person`: what only the
    holes may use (progress, forms, answers…); `made_with`: a function giving what only
    the skeleton needs, called only when it is made (a search runs only then).
    """
    app = current_app._get_current_object()
    environment = app.jinja_env
    store: PageStore = environment.kept_pages
    skeleton = store.get(key, "skeleton")
    if skeleton is None:
        made = {**everyone, **made_with()} if made_with else everyone
        skeleton = cut(app, template, made, store.marker, key.who)
        store.put(key, "skeleton", skeleton)
    values = {**everyone, **person}
    app.update_template_context(values)
    values = {**environment.globals, **values}  # once for all the holes
    parts = [skeleton.texts[0]]
    for hole, text in zip(skeleton.holes, skeleton.texts[1:], strict=True):
        if hole.template is PART:
            name, part = hole.args
            parts.append(values[name].get(part, ""))
        elif hole.template is CSRF:
            parts.append(CSRF_FIELD % escape(values["csrf_token"]()))
        else:
            parts.append(
                fill(
                    environment,
                    hole.template,
                    {**values, **dict(hole.args)} if hole.args else values,
                )
            )
        parts.append(text)
    return "".join(parts)


def cut(app, template: str, everyone: dict, marker: str, who: str) -> Skeleton:
    """Render the page without the person and cut it at its holes."""
    recorder = Recorder(marker)
    values = {**everyone, "page_skeleton": recorder, "csrf_token": no_csrf_token_here}
    # Whoever asked, the skeleton is rendered for nobody: Flask-Login's current_user (read by
    # the templates and by every helper they call) is meanwhile an anonymous visitor, or a
    # stand-in with only the role of the key.
    person = g.get("_login_user")
    g._login_user = app.login_manager.anonymous_user() if who == "visitor" else RoleStandIn(who)
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
    """Give templates `personal()`, `personal_part()` and `personal_csrf_field()`, and the
    app one store of pages."""
    app.jinja_env.globals["personal"] = personal
    app.jinja_env.globals["personal_part"] = personal_part
    app.jinja_env.globals["personal_csrf_field"] = personal_csrf_field
    app.jinja_env.extend(kept_pages=PageStore())
