"""Slow down password guessing: too many failed sign-ins per username or per address.

Failures live in the database, not in memory, so every waitress thread and every process
serving the same database counts the same tries. Rows older than the window are deleted as
new ones come in: no address is kept longer than it is needed.

Failures from one address pause that address. Failures on one username pause that username
only from addresses it has never signed in from: someone guessing from elsewhere cannot keep
the owner out by renewing the pause forever, since the owner's usual address (the lab, home)
keeps working. Staff see a pause on the learner's page and can lift it.
"""

import datetime as dt
import hashlib
import hmac
import math

from flask import current_app, request
from flask_babel import ngettext

from coursesite.data.models import KnownAddress, LoginFailure, utcnow
from coursesite.web.errors import render_error

# An address a person signed in from is remembered this long after their last sign-in there.
KNOWN_FOR = dt.timedelta(days=180)


def client_address() -> str:
    """Return the address the request came from, as the throttle counts it: a keyed hash.

    An IP address is personal information (Law 25); the throttle only needs to tell two
    addresses apart, so it stores an HMAC of the address with the site's secret key.
    """
    address = (request.remote_addr or "unknown").encode()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, address, hashlib.sha256).hexdigest()[:32]


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW"])


def _blocked_until(condition) -> dt.datetime | None:
    """Return when the oldest of the last LOGIN_MAX_FAILURES failures leaves the window."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    since = utcnow() - _window()
    recent = list(
        LoginFailure.select(LoginFailure.at)
        .where(condition, LoginFailure.at > since)
        .order_by(LoginFailure.at.desc())
        .limit(limit)
    )
    if len(recent) < limit:
        return None
    return recent[-1].at + _window()


def is_known(username: str, address: str) -> bool:
    """Tell whether this username signed in successfully from this address lately."""
    return (
        KnownAddress.select()
        .where(
            (KnownAddress.username == username)
            & (KnownAddress.address == address)
            & (KnownAddress.last_sign_in > utcnow() - KNOWN_FOR)
        )
        .exists()
    )


def remember_address(username: str) -> None:
    """Note that this username signed in from the request's address (kept as a keyed hash)."""
    address = client_address()
    KnownAddress.delete().where(
        (KnownAddress.last_sign_in <= utcnow() - KNOWN_FOR)
        | ((KnownAddress.username == username) & (KnownAddress.address == address))
    ).execute()
    KnownAddress.create(username=username, address=address)


def username_paused_until(username: str) -> dt.datetime | None:
    """Return until when sign-in is paused for this username from unknown addresses."""
    until = _blocked_until(LoginFailure.username == username)
    return until if until and until > utcnow() else None


def lift_pause(username: str) -> int:
    """Forget the username's failures, which ends its pause; return how many there were."""
    return LoginFailure.delete().where(LoginFailure.username == username).execute()


def blocked_until(username: str | None, address: str) -> dt.datetime | None:
    """Return until when sign-in is paused for this username or address, or None."""
    times = [_blocked_until(LoginFailure.address == address)]
    if username and not is_known(username, address):
        times.append(_blocked_until(LoginFailure.username == username))
    times = [t for t in times if t is not None and t > utcnow()]
    return max(times, default=None)


def record_failure(username: str | None, address: str) -> None:
    """Count one failed try, and forget the ones that have left the window."""
    LoginFailure.delete().where(LoginFailure.at <= utcnow() - _window()).execute()
    LoginFailure.create(username=username, address=address)


def clear_failures(username: str) -> None:
    """Forget a username's failures once its owner has signed in."""
    LoginFailure.delete().where(LoginFailure.username == username).execute()


def minutes_left(until: dt.datetime) -> int:
    """Return in how many whole minutes (at least 1) a pause ends."""
    return math.ceil(max(1, math.ceil((until - utcnow()).total_seconds())) / 60)


def too_many_tries(until: dt.datetime):
    """Return the friendly 429 page saying when to try again, with Retry-After."""
    seconds = max(1, math.ceil((until - utcnow()).total_seconds()))
    minutes = math.ceil(seconds / 60)
    detail = ngettext(
        "You tried too many times. To keep your account safe, signing in is paused. "
        "Try again in %(num)d minute. If you cannot remember your password, ask a helper.",
        "You tried too many times. To keep your account safe, signing in is paused. "
        "Try again in %(num)d minutes. If you cannot remember your password, ask a helper.",
        minutes,
    )
    body, code = render_error(429, detail)
    return body, code, {"Retry-After": str(seconds)}
