"""What the desk's templates use on every page: stored times in words, the header's links."""

import datetime as dt

from flask import url_for
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import lazy_gettext as _l

from coursesite.accounts.changes import describe
from coursesite.desk.help_sessions.slips import appointment_text
from coursesite.web.roles import has_role


def local_date(moment: dt.datetime | None) -> str:
    """Return a stored (UTC) time as a date in the lab's time zone, in words."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    return format_date(local, "long", rebase=False)


def local_datetime(moment: dt.datetime | None) -> str:
    """Return a stored (UTC) time in the lab's time zone, date and time, in words."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    return format_datetime(local, "medium", rebase=False)


def days_ago(moment: dt.datetime | None) -> str:
    """Return how long ago a stored (UTC) time was, in plain words."""
    if moment is None:
        return str(_l("never"))
    days = (dt.datetime.now(dt.UTC).replace(tzinfo=None) - moment).days
    if days < 1:
        return str(_l("today"))
    if days < 2:
        return str(_l("yesterday"))
    return ngettext("%(num)d day ago", "%(num)d days ago", days)


def desk_links() -> list[dict]:
    """Return the links to the desks this account may open, for the page header."""
    links = []
    if has_role("helper"):
        links.append({"url": url_for("helper.dashboard"), "label": _l("Helper desk")})
    if has_role("staff"):
        links.append({"url": url_for("staff.home"), "label": _l("Staff")})
    return links


def init_app(app):
    """Give templates the desk's date filters, change descriptions and header links."""
    app.add_template_filter(local_date)
    app.add_template_filter(days_ago)
    app.add_template_filter(appointment_text, "appointment")
    app.add_template_filter(local_datetime)
    app.add_template_global(describe, "describe_change")
    app.add_template_global(desk_links)
