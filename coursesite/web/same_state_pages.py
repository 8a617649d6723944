"""Pages filled once for everyone in the same state: each request puts in its name and token.

A kept page's holes (web/page_skeleton.py) are filled for each request, and most of the time
they come out as someone else's did: every visitor whose session holds nothing of theirs
sees the same step page; so does every learner who did 2 of the lesson's 8 steps, answered
none of the step's questions and asked no help on it, but for their name in the header and
their CSRF token. A view says so with `render_page(…, same_as=f)`: `f()` returns the
person's *state*, a hashable value standing for everything the holes show of them besides
their name and token, or None when the holes show more (their help request on the step…).
Whatever a page shows from the session (a message just sent, an answer's feedback, steps
done before signing in) is never part of a state: a session holding any of it is filled for
its person alone. The page is filled once per state, with stand-ins where the name and the
token go, kept beside the skeleton, and each request puts in its own.

What keeps another person's page from being sent:

- the view's state names everything its holes show of the person (the tests give two
  learners of one state other names, answers and histories, and get one page but for the
  name and token);
- while it is filled, Flask-WTF's token for the request is the token's stand-in, so that no
  code, template or Python, can put a real one in, and the signed-in user is a stand-in with
  their role and the name's stand-in: a hole that reads anything else of them raises, as
  when a skeleton is made (web/skeleton_cut.py);
- it is kept only if the session came out of it as it went in, and if the person's name and
  username are nowhere in it; otherwise the page is theirs alone, and not kept.
"""

from collections.abc import Callable, Hashable

from flask import g, session
from markupsafe import escape

from coursesite.web.hole_filling import fill_holes
from coursesite.web.skeleton_cut import RoleStandIn, Skeleton

# Flask-Login's notes on who signed in (a visitor's session has `_fresh`, written for all).
SIGN_IN_NOTES = frozenset({"_fresh", "_id", "_user_id", "_remember", "_remember_seconds"})


def nothing_to_show_in_session(app) -> bool:
    """Tell whether the session holds nothing a page shows: no step done as a visitor, no
    answer, message or feedback; at most the CSRF token every form gives and Flask-Login's
    notes on who signed in."""
    field = app.config["WTF_CSRF_FIELD_NAME"]
    return all(name == field or name in SIGN_IN_NOTES for name in session)


class NamedStandIn(RoleStandIn):
    """The signed-in user while a page is filled for a state: a role and a stand-in name."""

    def __init__(self, role: str, name: str):
        super().__init__(role)
        self.display_name = name


def page_for_state(
    app, key, skeleton: Skeleton, everyone: dict, person: Callable[[], dict], state: Hashable
) -> str:
    """Return the page of `key` for someone in `state`, its holes filled once for the state."""
    store = app.jinja_env.kept_pages
    pieces = store.get(key, ("state", state))
    if pieces is None:
        pieces, keep = filled_for_state(app, skeleton, everyone, person, key.who)
        if keep:
            store.put(key, ("state", state), pieces)
    token = name = None
    parts = []
    for piece in pieces:
        if piece == store.token_marker:
            if token is None:
                token = str(escape(app.jinja_env.globals["csrf_token"]()))
            parts.append(token)
        elif piece == store.name_marker:
            if name is None:
                name = str(escape(g._login_user.display_name))
            parts.append(name)
        else:
            parts.append(piece)
    return "".join(parts)


def filled_for_state(app, skeleton: Skeleton, everyone: dict, person, who: str):
    """Fill the holes with the person's values, stand-ins where their token and name go;
    return the page cut at the stand-ins, and whether it may be kept for others."""
    store = app.jinja_env.kept_pages
    field = app.config["WTF_CSRF_FIELD_NAME"]
    before = dict(session)
    user = g.get("_login_user")
    setattr(g, field, store.token_marker)
    try:
        values = {**everyone, **person()}  # read as the person: theirs, in this state
        if who != "visitor":
            g._login_user = NamedStandIn(who, store.name_marker)
        page = fill_holes(app, skeleton, values)
    finally:
        g.pop(field, None)
        if user is None:
            g.pop("_login_user", None)
        else:
            g._login_user = user
    pieces = tuple(piece for piece in store.stand_ins.split(page) if piece)
    keep = dict(session) == before and not (who != "visitor" and names_in(page, user))
    return pieces, keep


def names_in(page: str, user) -> bool:
    """Tell whether the user's name or username is in the page, as it is or escaped."""
    return any(
        text and (text in page or str(escape(text)) in page)
        for text in (user.display_name, user.username)
    )
