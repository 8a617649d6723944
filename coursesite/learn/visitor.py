"""What a visitor did in this browser joins an account only when the person says so.

On a lab laptop, the steps kept in the browser's session cookie may be the previous
person's. After signing in, every page asks "You did 3 steps before signing in on this
computer: add them to your account?"; Yes joins them, No forgets them. Nothing is joined
silently.

Each kind of visitor data (steps done, quiz answers…) registers one VisitorData at start-up
with `register(app, VisitorData(...))`; the question and its answer cover every kind.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import g, session
from flask_login import current_user

from coursesite import services
from coursesite.data.database import database
from coursesite.data.models import User
from coursesite.web.roles import person


@dataclass(frozen=True)
class VisitorData:
    """One kind of thing a visitor keeps in the session cookie, and how it joins an account."""

    name: str  # "steps" is counted in the question; other kinds are only joined or forgotten
    count: Callable[[], int]  # how many this browser's session cookie holds
    join: Callable[[User], object]  # add them to the account, then forget them here
    forget: Callable[[], object]  # forget them here without adding them


def of_this_request(name: str, book: Callable, account_store: Callable, browser_store: Callable):
    """Return this person's `name` (progress, answers…) for this request, made once: a `book`
    over the account's store when signed in, else over this browser's session cookie."""
    if name not in g:
        user = person()
        if user.is_authenticated:
            g.setdefault(name, book(account_store(user)))
        else:
            g.setdefault(name, book(browser_store(session)))
    return g.get(name)


def register(app, data: VisitorData) -> None:
    """Add a kind of visitor data to the question asked after signing in."""
    services.visitor_data(app).append(data)


def pending() -> dict[str, int]:
    """Return, for a signed-in person, how many things of each kind wait for their answer."""
    if not current_user.is_authenticated or not session:
        return {}
    counts = {kind.name: kind.count() for kind in services.visitor_data()}
    return {name: count for name, count in counts.items() if count}


def join_into(user: User) -> None:
    """Add everything this browser did as a visitor to `user`'s account."""
    with database.atomic():
        for kind in services.visitor_data():
            kind.join(user)
    g.pop("progress", None)


def forget() -> None:
    """Forget everything this browser did as a visitor."""
    for kind in services.visitor_data():
        kind.forget()
    g.pop("progress", None)
