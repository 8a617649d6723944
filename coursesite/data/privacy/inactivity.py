"""Learners with no trace for a long time, and erasing them (`coursesite purge`, Law 25).

A learner's last trace is the latest of: the account made, a sign-in, a step done, an
answer, a help request, a help session. No HTTP here; accounts are named by their id.
"""

import datetime as dt
import logging

from peewee import fn

from coursesite.data.models import (
    HelpRequest,
    HelpSession,
    QuestionAnswer,
    StepProgress,
    User,
    utcnow,
)
from coursesite.data.privacy.erasure import anonymise_learner, erasable

log = logging.getLogger(__name__)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """Return the same day and time `months` calendar months earlier (the 31st may shorten)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def last_activity_of_learners() -> dict[int, dt.datetime]:
    """Return each learner's latest trace: creation, sign-in, step done, help request, path.

    A path given by a helper counts: the learner met someone at the lab that day.
    """
    learners = User.select(User.id, User.created, User.last_login).where(
        (User.role == "learner") & User.anonymised_at.is_null()
    )
    latest = {u.id: max(t for t in (u.created, u.last_login) if t) for u in learners}
    for model, owner, moment in (
        (StepProgress, StepProgress.user, StepProgress.done_at),
        (QuestionAnswer, QuestionAnswer.user, QuestionAnswer.answered_at),
        (HelpRequest, HelpRequest.learner, HelpRequest.created),
        (HelpSession, HelpSession.learner, HelpSession.created),
    ):
        for user_id, when in model.select(owner, fn.MAX(moment)).group_by(owner).tuples():
            if user_id in latest and when and when > latest[user_id]:
                latest[user_id] = when
    return latest


def inactive_learners(months: int, now: dt.datetime | None = None) -> list[tuple[int, dt.datetime]]:
    """Return (account id, last activity) of learners with no trace for over `months` months."""
    cutoff = months_before(now or utcnow(), months)
    return sorted(
        (user_id, when) for user_id, when in last_activity_of_learners().items() if when < cutoff
    )


def purge(months: int, now: dt.datetime | None = None) -> list[int]:
    """Erase the learners inactive for over `months` months; return their account ids."""
    erased = []
    for user_id, _ in inactive_learners(months, now):
        user = User.get_or_none(User.id == user_id)
        if erasable(user):  # not erased by someone else meanwhile
            anonymise_learner(user, now)
            erased.append(user_id)
    log.info("purge: erased %d learners inactive for over %d months", len(erased), months)
    return erased
