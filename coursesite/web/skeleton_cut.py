"""Making a page's skeleton (web/page_skeleton.py): the page rendered for nobody, cut at
its holes.

While it is made, the signed-in user is a stand-in with their role and nothing else (a
visitor: an anonymous user), `csrf_token()` raises, and each `personal()` hole leaves a
marker where the page is then cut. Reading anything of the person there is an error, not an
empty string sent to everyone of the role.
"""

from collections.abc import Callable
from typing import NamedTuple

from flask import g

from coursesite.data.models import ROLES


class Hole(NamedTuple):
    # A template rendered for each person; PART: a value looked up by key; CSRF: the token;
    # NAME: the signed-in person's name.
    template: str
    args: tuple  # ((name, value), …): what personal() was given; or (values name, key)
    # A hole most people's pages leave empty: the template is rendered only if this says so.
    shown_if: Callable[[], object] | None = None


PART = "\x00part"
CSRF = "\x00csrf"
NAME = "\x00name"
CSRF_FIELD = '<input type="hidden" name="csrf_token" value="%s">'


class Skeleton(NamedTuple):
    """A page cut at its holes: texts[0], holes[0], texts[1], …, texts[-1]."""

    texts: tuple[str, ...]
    holes: tuple[Hole, ...]


class Recorder:
    """Given to the template as `page_skeleton` while the skeleton is rendered."""

    def __init__(self, marker: str):
        self.marker = marker
        self.holes: list[Hole] = []

    def hole(self, template: str, args: tuple, shown_if: Callable | None = None) -> str:
        self.holes.append(Hole(template, args, shown_if))
        return f"{self.marker}{len(self.holes) - 1}\x00"


def no_csrf_token_here():
    raise RuntimeError(
        "a page skeleton asked for a CSRF token: it would be sent to everyone. "
        "Use {{ personal_csrf_field() }} in the form."
    )


class PersonalValueInSkeleton(RuntimeError):
    """A template read something personal of the user while a page for everyone of their
    role was made: a skeleton, or holes filled for a state (web/same_state_pages.py)."""


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
            f"a page made for everyone of the role read current_user.{name}: it would be "
            f'sent to all of them. Put it in a {{{{ personal("…") }}}} hole, in a page not '
            "kept for a state."
        )


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
