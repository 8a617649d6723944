"""Group pages under /helper/groups: create a group, add learners (from the list or a CSV
file), give the whole group a path in one form, print every member's slip or card on one
sheet, and see the group's progress lesson by lesson. Helpers and staff alike."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from peewee import IntegrityError

from coursesite.accounts.cards import issue_card, render_card
from coursesite.data.database import database
from coursesite.data.models import LearnerGroup, User
from coursesite.desk.groups import groups as data
from coursesite.desk.groups.imports import handle_upload, import_page
from coursesite.desk.help_sessions import help_session_form
from coursesite.desk.help_sessions.help_session_checks import HelpSessionForm
from coursesite.desk.help_sessions.help_session_save import give_group_path, saved_with_key
from coursesite.desk.help_sessions.slips import cards_page, render_slip
from coursesite.desk.learners.followup import QUERY_MAX
from coursesite.web.i18n import page_language
from coursesite.web.roles import person
from coursesite.web.urls import is_id

bp = Blueprint("groups", __name__, url_prefix="/helper/groups")


def group_or_404(group_id: int) -> LearnerGroup:
    group = LearnerGroup.get_or_none(LearnerGroup.id == group_id) if is_id(group_id) else None
    if group is None:
        abort(404)
    return group


def render_index(name: str = "", problem=None, status: int = 200):
    counts = data.member_counts()
    rows = [{"group": g, "members": counts.get(g.id, 0)} for g in data.all_groups()]
    return render_template(
        "helper/groups.html",
        groups=rows,
        name=name,
        problem=problem,
        name_max=data.NAME_MAX,
    ), status


@bp.route("")
def index():
    """List the groups, with the form to create one."""
    return render_index()


@bp.route("", methods=["POST"])
def create():
    """Create a group, then go to its page to add learners."""
    name = " ".join(request.form.get("name", "")[: data.NAME_MAX * 2].split())
    problem = data.name_problem(name)
    if problem:
        return render_index(name, problem, 400)
    group = data.create_group(name, person())
    return redirect(url_for(".group", group_id=group.id), 303)


@bp.route("/<int:group_id>")
def group(group_id):
    """Show a group: its progress lesson by lesson, its learners, and how to add more."""
    group = group_or_404(group_id)
    people = data.members(group)
    query = request.args.get("q", "")[:QUERY_MAX].strip()
    candidates, matched = data.candidates(group, query)
    return render_template(
        "helper/group.html",
        group=group,
        members=people,
        lessons=data.group_lessons(people, page_language()),
        candidates=candidates,
        matched=matched,
        query=query,
        find_by_name=query or matched > len(candidates),
    )


@bp.route("/<int:group_id>/members", methods=["POST"])
def add(group_id):
    """Add the learners ticked in the list to the group."""
    group = group_or_404(group_id)
    ids = [int(v) for v in request.form.getlist("learner")[:500] if v.isdigit() and is_id(int(v))]
    learners = (
        list(
            User.select().where(
                User.id.in_(ids) & (User.role == "learner") & (User.active == True)  # noqa: E712
            )
        )
        if ids
        else []
    )
    added = data.add_members(group, learners)
    flash(
        ngettext(
            "%(num)d learner added to the group.", "%(num)d learners added to the group.", added
        )
    )
    return redirect(url_for(".group", group_id=group.id), 303)


@bp.route("/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
def remove(group_id, user_id):
    """Take a learner out of the group (their account and paths stay)."""
    group = group_or_404(group_id)
    learner = User.get_or_none(User.id == user_id) if is_id(user_id) else None
    if learner is None:
        abort(404)
    data.remove_member(group, learner)
    flash(_l("%(name)s is no longer in the group.", name=learner.display_name))
    return redirect(url_for(".group", group_id=group.id), 303)


@bp.route("/<int:group_id>/import")
def import_form(group_id):
    """Show the form to add learners to the group from a CSV file."""
    group = group_or_404(group_id)
    return import_page(url_for(".import_upload", group_id=group.id), group)


@bp.route("/<int:group_id>/import", methods=["POST"])
def import_upload(group_id):
    """Create the file's learners in the group (known ones join it), then show their cards."""
    group = group_or_404(group_id)
    return handle_upload(url_for(".import_upload", group_id=group.id), group)


@bp.route("/<int:group_id>/cards", methods=["POST"])
def cards(group_id):
    """Print every member's sign-in card on one sheet (their previous cards stop working)."""
    group = group_or_404(group_id)
    people = data.members(group)
    with database.atomic():
        tokens = [issue_card(learner) for learner in people]
    return cards_page([render_card(p, t) for p, t in zip(people, tokens, strict=True)], group=group)


def render_path_form(group, people, form: HelpSessionForm, status: int = 200):
    return render_template(
        "helper/group_path.html",
        group=group,
        members=people,
        **help_session_form.lesson_choices(form, page_language()),
    ), status


@bp.route("/<int:group_id>/path")
def path_form(group_id):
    """Show the form that gives one path to every learner of the group."""
    group = group_or_404(group_id)
    form = help_session_form.new_form(page_language())
    return render_path_form(group, data.members(group), form)


@bp.route("/<int:group_id>/path", methods=["POST"])
def give_path(group_id):
    """Give the path to every learner of the group, and show all their slips on one sheet."""
    group = group_or_404(group_id)
    people = data.members(group)
    key = help_session_form.submitted_form_key(request.form)
    if saved_with_key(key) is not None:
        flash(_l("This form was already sent and saved: each learner has the path."))
        return redirect(url_for(".group", group_id=group.id), 303)
    form = help_session_form.parse_group_path_form(request.form, page_language())
    if not people:
        form.problems.append(("path", _l("The group has no learner yet.")))
    if form.problems:
        return render_path_form(group, people, form, 400)
    try:
        given = give_group_path(people, form, person(), key)
    except IntegrityError:
        flash(_l("This form was already sent and saved: each learner has the path."))
        return redirect(url_for(".group", group_id=group.id), 303)
    slips = [render_slip(given_session, learner, token) for given_session, learner, token in given]
    # Never cached, like every page under /helper/ (web/security.py): it holds sign-in links.
    return render_template("helper/slips_sheet.html", group=group, slips=slips)
