"""Whole pages rendered once for everyone, with holes filled for each person.

The pages learners open most (a step, the catalogue, a search) are the same for everyone
who sees them except a few parts: the header's account links, progress, forms with their
CSRF token, the help box. A template marks each of those parts as a hole,
`{{ personal("x.html") }}`, and the view renders the page with `render_page(…)`:

- the first request renders the whole template once *without the person*: the signed-in
  user is replaced by a stand-in that has their role and nothing else (a visitor: an
  anonymous user), `csrf_token()` raises, and the view's personal values are simply
  absent. Each hole leaves a marker; the page is cut at the markers into a skeleton (text,
  hole, text, …) and kept under the page's key, which names the role (skeleton_cut.py);
- every request then renders only the holes, with the person's values, and joins them with
  the skeleton's text. Nothing personal can be in the skeleton: it was never given any;
- a visitor whose session holds nothing of theirs (no step done, answer or message) sees
  what every such visitor sees but for their CSRF token, and a learner what every learner
  in their state sees (steps done, questions answered right) but for their name and token:
  that page, holes filled, is kept too, cut where the name and token go
  (web/same_state_pages.py), and the view's personal values are not even computed.

The key names everything else the page depends on (the catalogue's version first, so a
lesson edit drops every skeleton at once). Pages rendered with plain `render_template`
treat `personal()` as an ordinary include, so base.html marks its holes for every page.

A hole sees the page's variables and the arguments given to `personal()`, not the loop or
`{% with %}` variables around it: pass what it needs as arguments. Where a page has many
small holes (a progress bar on each lesson card), `{{ personal_part("card_bars", key) }}`
costs a dictionary lookup instead of a template: the view gives the person's
`card_bars` ({key: HTML}), and a missing key shows nothing. A form's CSRF field is
`{{ personal_csrf_field() }}`, a hole filled with the token alone, and the signed-in
person's name `{{ personal_name() }}`, their name alone (in a sentence the skeleton keeps,
translated: "Signed in: %(name)s"). A hole almost always empty (the question "add the
steps you did before signing in?") is `{{ personal("x.html", shown_if=f) }}`: its template
is rendered only for those for whom `f()` is true.

What only depends on the role (the header's "My account" and "Sign out", the desks' links,
the link to the lab's settings) is part of the skeleton; reading anything else of the
stand-in (a name, an id) while the skeleton is made is an error, not an empty string.
"""

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

from flask import current_app
from jinja2 import pass_context
from markupsafe import Markup, escape

from coursesite.web.hole_filling import fill, fill_holes
from coursesite.web.same_state_pages import nothing_to_show_in_session, page_for_state
from coursesite.web.skeleton_cut import CSRF, CSRF_FIELD, NAME, PART, Recorder, cut

# Skeletons are a few KB to a few tens of KB each (a catalogue of 2,000 lessons: 20 KB).
MAX_KEPT = 400


class PageKey(NamedTuple):
    """Everything a kept page depends on. `generation` (the lesson catalogue's version)
    first: when a lesson file changes, everything kept from the older version is dropped.
    `who`: the role the page is made for ("visitor", "learner", "helper", "staff")."""

    generation: int
    who: str
    what: tuple


class PageStore:
    """What one app keeps per page key (skeletons, and values a view computes once), the
    least recently used dropped first."""

    def __init__(self, limit: int = MAX_KEPT):
        self.limit = limit
        self.generation = None
        self._kept: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        # Mark a hole, a CSRF token or a person's name inside a rendered page; random, so no
        # lesson text can forge one.
        self.marker = f"\x00hole-{secrets.token_hex(8)}:"
        self.token_marker = f"\x00token-{secrets.token_hex(8)}\x00"
        self.name_marker = f"\x00name-{secrets.token_hex(8)}\x00"
        # Cuts a page at the token's and the name's stand-ins, keeping them as pieces.
        self.stand_ins = re.compile(
            f"({re.escape(self.token_marker)}|{re.escape(self.name_marker)})"
        )

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


@pass_context
def personal(context, template: str, shown_if: Callable | None = None, **args) -> Markup:
    """The template global that marks a hole (or, on an ordinary page, includes it).

    `shown_if`: for a hole most pages leave empty, a function (a global, the same for
    everyone) telling whether this person's page shows it: if not, the template is not
    rendered at all.
    """
    recorder = context.get("page_skeleton")
    if isinstance(recorder, Recorder):
        return Markup(recorder.hole(template, tuple(args.items()), shown_if))
    if shown_if is not None and not shown_if():
        return Markup()
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


@pass_context
def personal_name(context) -> Markup:
    """The template global for the signed-in person's name: a hole filled with it."""
    recorder = context.get("page_skeleton")
    if isinstance(recorder, Recorder):
        return Markup(recorder.hole(NAME, ()))
    return escape(context["current_user"].display_name)


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
    person: dict | Callable[[], dict],
    *,
    made_with: Callable[[], dict] | None = None,
    same_as: Callable[[], Hashable | None] | None = None,
) -> str:
    """Render `template` from its skeleton for `key`, the holes filled with `person`'s values.

    `everyone`: what the page shows to all who share the key; `person`: what only the
    holes may use (progress, forms, answers…), or a function giving it, called only when
    needed; `made_with`: a function giving what only the skeleton needs, called only when
    it is made (a search runs only then); `same_as`: a function giving the signed-in
    person's state, for a page whose holes are filled once for everyone in that state
    (web/same_state_pages.py). A visitor whose session holds nothing of theirs gets the page
    filled once for all such visitors.
    """
    app = current_app._get_current_object()
    store: PageStore = app.jinja_env.kept_pages
    skeleton = store.get(key, "skeleton")
    if skeleton is None:
        made = {**everyone, **made_with()} if made_with else everyone
        skeleton = cut(app, template, made, store.marker, key.who)
        store.put(key, "skeleton", skeleton)
    if not callable(person):
        return fill_holes(app, skeleton, {**everyone, **person})
    if nothing_to_show_in_session(app):
        state = "nothing" if key.who == "visitor" else same_as() if same_as else None
        if state is not None:
            return page_for_state(app, key, skeleton, everyone, person, state)
    return fill_holes(app, skeleton, {**everyone, **person()})


def init_app(app):
    """Give templates `personal()`, `personal_part()`, `personal_csrf_field()` and
    `personal_name()`, and the app one store of pages."""
    app.jinja_env.globals["personal"] = personal
    app.jinja_env.globals["personal_part"] = personal_part
    app.jinja_env.globals["personal_csrf_field"] = personal_csrf_field
    app.jinja_env.globals["personal_name"] = personal_name
    app.jinja_env.extend(kept_pages=PageStore())
