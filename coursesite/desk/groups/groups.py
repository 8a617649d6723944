"""Groups of learners (a workshop, a partner organisation's group): who is in them, and how
far they got, lesson by lesson. No HTTP here.

A group's lessons are those of the paths its learners were given (their newest path each):
the group page shows, for each, how many members started and finished it.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import fn

from coursesite.data.database import database
from coursesite.data.models import GroupMember, LearnerGroup, User
from coursesite.desk.learners.followup import LoadedStore, name_matcher, progress_by_learner
from coursesite.desk.paths import ListedLesson, clean_text, find_lesson, newest_paths
from coursesite.learn.progress import Progress

NAME_MAX = 80
SHOWN_CANDIDATES = 40  # learners offered to add at once; more are found by name


@dataclass
class GroupLesson(ListedLesson):
    """One lesson of a group's path, with how many of its members started and finished it."""

    started: int = 0
    finished: int = 0


def name_problem(name: str):
    """Return what is wrong with a group's name, or None."""
    if not name:
        return _l("Please type the group’s name.")
    if len(name) > NAME_MAX:
        return _l("A group’s name can have at most %(max)d characters.", max=NAME_MAX)
    return None


def create_group(name: str, actor: User | None) -> LearnerGroup:
    return LearnerGroup.create(name=" ".join(clean_text(name).split()), created_by=actor)


def all_groups() -> list[LearnerGroup]:
    """Return every group, by name."""
    return list(LearnerGroup.select().order_by(fn.LOWER(LearnerGroup.name), LearnerGroup.id))


def member_counts() -> dict[int, int]:
    query = (
        GroupMember.select(GroupMember.group, fn.COUNT(GroupMember.id))
        .join(User, on=(GroupMember.learner == User.id))
        .where(User.active == True)  # noqa: E712
        .group_by(GroupMember.group)
    )
    return dict(query.tuples())


def members(group: LearnerGroup) -> list[User]:
    """Return the group's active learners, by name."""
    return list(
        User.select()
        .join(GroupMember, on=(GroupMember.learner == User.id))
        .where((GroupMember.group == group) & (User.active == True))  # noqa: E712
        .order_by(fn.LOWER(User.display_name), User.id)
    )


def member_ids(group: LearnerGroup) -> set[int]:
    return {user.id for user in members(group)}


def add_members(group: LearnerGroup, learners: list[User]) -> int:
    """Add learners to the group (those already in it stay once); return how many joined."""
    already = {
        row.learner_id
        for row in GroupMember.select(GroupMember.learner).where(GroupMember.group == group)
    }
    added = 0
    with database.atomic():
        for learner in learners:
            if learner.role == "learner" and learner.id not in already:
                GroupMember.create(group=group, learner=learner)
                already.add(learner.id)
                added += 1
    return added


def remove_member(group: LearnerGroup, learner: User) -> None:
    GroupMember.delete().where(
        (GroupMember.group == group) & (GroupMember.learner == learner)
    ).execute()


def groups_of(learner: User) -> list[LearnerGroup]:
    return list(
        LearnerGroup.select()
        .join(GroupMember)
        .where(GroupMember.learner == learner)
        .order_by(fn.LOWER(LearnerGroup.name))
    )


def candidates(group: LearnerGroup, query: str = "") -> tuple[list[User], int]:
    """Return the active learners not in the group yet whose name or username holds `query`,
    by name: the first SHOWN_CANDIDATES of them (to tick and add), and how many there are.
    A lab of a thousand learners is found by name, not scrolled through."""
    inside = GroupMember.select(GroupMember.learner).where(GroupMember.group == group)
    matches = name_matcher(query)
    found = [
        learner
        for learner in User.select(User.id, User.display_name, User.username)
        .where(
            (User.role == "learner") & (User.active == True) & User.id.not_in(inside)  # noqa: E712
        )
        .order_by(fn.LOWER(User.display_name), User.id)
        if matches(learner.display_name, learner.username)
    ]
    return found[:SHOWN_CANDIDATES], len(found)


def group_lessons(people: list[User], lang: str) -> list[GroupLesson]:
    """Return the lessons of the members' newest paths, in path order, with how many members
    started and finished each."""
    ids = [user.id for user in people]
    newest = newest_paths(ids)
    lesson_ids: list[str] = []
    for help_session in newest.values():
        lesson_ids.extend(i for i in help_session.lesson_ids if i not in lesson_ids)
    done = progress_by_learner(ids)
    progress = {user_id: Progress(LoadedStore(done.get(user_id, {}))) for user_id in ids}
    rows = []
    for lesson_id in lesson_ids:
        lesson = find_lesson(lesson_id, lang)
        row = GroupLesson(lesson_id, lesson)
        if lesson is not None:
            for user_id in ids:
                count, total = progress[user_id].counts(lesson)
                row.started += count > 0
                row.finished += total > 0 and count == total
        rows.append(row)
    return rows
