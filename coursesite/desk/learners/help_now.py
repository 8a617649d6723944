"""Who needs help now, for the helper desk: who may be stuck, found in SQL from the recent
rows alone, then looked at the most recently active first until the desk's list is full
(followup.py says what "stuck" means and makes each learner's summary).
"""

import datetime as dt

from peewee import fn

from coursesite.data.models import HelpRequest, HelpSession, StepProgress, utcnow
from coursesite.desk.learners.followup import (
    FEW_LEARNERS,
    SHOWN_LEARNERS,
    STUCK_AFTER,
    STUCK_WINDOW,
    LearnerSummary,
    load_learners,
    summaries,
)


def maybe_stuck(now: dt.datetime, ids: list[int] | None = None) -> set[int]:
    """Return the ids of the learners (of `ids` if given) who may be stuck now: an open
    request, a lesson whose last step was done between STUCK_WINDOW and STUCK_AFTER ago, or
    a path given then. Only the rows of the window are read (StepProgress by its done_at
    index)."""
    since, before = now - STUCK_WINDOW, now - STUCK_AFTER
    last_step = fn.MAX(StepProgress.done_at)
    left = (
        StepProgress.select(StepProgress.user)
        .where(StepProgress.done_at >= since)
        .group_by(StepProgress.user, StepProgress.lesson_id)
        .having(last_step < before)
    )
    given = HelpSession.select(HelpSession.learner).where(
        HelpSession.with_path() & (HelpSession.created >= since) & (HelpSession.created < before)
    )
    asked = HelpRequest.select(HelpRequest.learner).where(HelpRequest.handled_at.is_null())
    if ids is not None:
        left = left.where(StepProgress.user.in_(ids))
        given = given.where(HelpSession.learner.in_(ids))
        asked = asked.where(HelpRequest.learner.in_(ids))
    return {user_id for query in (left, given, asked) for (user_id,) in query.tuples()}


def is_stuck(summary: LearnerSummary) -> bool:
    """Tell whether a learner needs help now: an open request, a lesson left, a path not
    started."""
    return bool(summary.requests or summary.stalls or summary.not_started)


def needs_help_now(
    ranked: list[tuple[int, dt.datetime | None]], lang: str, limit: int = SHOWN_LEARNERS
) -> tuple[list[LearnerSummary], bool, list[LearnerSummary], int]:
    """Split these learners (id, last activity), most recently active first, into the first
    `limit` of those stuck and the first `limit` of the others. Return the stuck, whether
    more may be stuck, the others, and how many others there are (all the learners but
    those found stuck). Only those who may be stuck (maybe_stuck) are looked at, `limit` at
    a time, the most recently active first, until `limit` are found."""
    # A name or a group: only their rows are read.
    ids = [user_id for user_id, _ in ranked] if len(ranked) <= FEW_LEARNERS else None
    candidates = maybe_stuck(utcnow(), ids)
    maybe = [row for row in ranked if row[0] in candidates]
    stuck: list[LearnerSummary] = []
    looked = 0
    while looked < len(maybe) and len(stuck) < limit:
        batch = maybe[looked : looked + limit]
        looked += len(batch)
        stuck += [s for s in summaries(load_learners(batch), lang) if is_stuck(s)]
    more = len(stuck) > limit or looked < len(maybe)
    stuck = stuck[:limit]
    stuck_ids = {s.learner.id for s in stuck}
    others = [row for row in ranked if row[0] not in stuck_ids]
    return stuck, more, summaries(load_learners(others[:limit]), lang), len(others)
