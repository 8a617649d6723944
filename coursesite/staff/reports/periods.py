"""A report's period: whole days in the lab's local time, the usual ones, and one typed.

Times are stored in UTC without a zone: a period's days become UTC bounds here, so the
database only compares times and a step done at 23:30 on the last evening counts in it.
"""

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

FIRST_DAY = dt.date(2000, 1, 1)  # periods are checked against these: no overflow, no typo year
LAST_DAY = dt.date(2100, 12, 31)


def local_midnight_utc(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """Return the start of `day` in the lab's time zone (`tz`, else the server's), in UTC."""
    midnight = dt.datetime.combine(day, dt.time())
    aware = midnight.replace(tzinfo=tz) if tz else midnight.astimezone()
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def in_period(column, start: dt.datetime, end: dt.datetime):
    """Return the condition "`column` is in [start, end)", UTC bounds from a Period."""
    return (column >= start) & (column < end)


@dataclass(frozen=True)
class Period:
    """Whole days, `first` to `last` included, in the lab's local time."""

    first: dt.date
    last: dt.date

    def bounds(self, tz: dt.tzinfo | None = None) -> tuple[dt.datetime, dt.datetime]:
        """Return the UTC start (included) and end (excluded) of the period."""
        after = self.last + dt.timedelta(days=1)
        return local_midnight_utc(self.first, tz), local_midnight_utc(after, tz)


def presets(today: dt.date) -> dict[str, Period]:
    """Return the usual periods, by name: the last 30 days, this month, last month, this year."""
    month_start = today.replace(day=1)
    last_month_end = month_start - dt.timedelta(days=1)
    return {
        "last-30-days": Period(today - dt.timedelta(days=29), today),
        "this-month": Period(month_start, today),
        "last-month": Period(last_month_end.replace(day=1), last_month_end),
        "this-year": Period(dt.date(today.year, 1, 1), today),
    }


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> dt.date | None:
    """Return the date typed as YYYY-MM-DD, or None if it is not a date the report accepts."""
    text = (text or "").strip()
    if not ISO_DAY.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def read_period(args) -> tuple[Period, dict, list]:
    """Return the period asked for (the last 30 days by default), what was typed, and problems."""
    today = dt.date.today()
    typed = {"from": (args.get("from") or "")[:20], "to": (args.get("to") or "")[:20]}
    default = presets(today)["last-30-days"]
    first = parse_day(typed["from"]) if typed["from"] else None
    last = parse_day(typed["to"]) if typed["to"] else None
    problems = []
    if typed["from"] and first is None:
        problems.append(
            _l(
                "The first day is not a date we understand. Example: %(example)s.",
                example=default.first.isoformat(),
            )
        )
    if typed["to"] and last is None:
        problems.append(
            _l(
                "The last day is not a date we understand. Example: %(example)s.",
                example=today.isoformat(),
            )
        )
    if not typed["from"] and not typed["to"]:
        return (
            default,
            {k: v.isoformat() for k, v in (("from", default.first), ("to", default.last))},
            [],
        )
    last = last or (today if first is None or first <= today else first)
    first = first or max(FIRST_DAY, last - dt.timedelta(days=29))
    if not problems and first > last:
        problems.append(_l("The first day comes after the last day. Please check the dates."))
    return Period(first, last), typed, problems
