"""The helper desk under /helper/: learners, the after-session form, slips, phone codes.

Everything under /helper/ needs a helper or staff account: roles.py checks the URL prefix
before any view runs. Helpers' pages are as plain and forgiving as learners': nothing is
deleted by one click, and what changes an account asks to confirm on a page of its own.
"""

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from coursesite import services
from coursesite.accounts import sign_ins
from coursesite.accounts.cards import issue_card, render_card
from coursesite.accounts.changes import changes_of, record_change
from coursesite.accounts.users import AccountError, easy_password, set_password
from coursesite.data.database import database
from coursesite.data.models import HelpSession, LearnerGroup, SignInCard
from coursesite.desk import template_helpers
from coursesite.desk.groups.groups import all_groups, groups_of, member_ids
from coursesite.desk.help_requests import help_requests
from coursesite.desk.help_sessions import help_session_form
from coursesite.desk.help_sessions.help_session_checks import HelpSessionForm
from coursesite.desk.help_sessions.help_session_save import save_help_session, saved_with_key
from coursesite.desk.help_sessions.session_kinds import kind_choices, kind_label
from coursesite.desk.help_sessions.slips import cards_page, slip_page
from coursesite.desk.learners import followup, help_now
from coursesite.desk.learners.lookup import active_learner_or_404
from coursesite.desk.paths import find_lesson, learner_paths, sessions_of
from coursesite.learn.certificates.certificates import certificate_rows
from coursesite.learn.progress import Progress
from coursesite.learn.progress_stores import AccountStore
from coursesite.learn.questions.answers import answer_summary
from coursesite.web.i18n import language_choices, page_language
from coursesite.web.roles import person
from coursesite.web.urls import is_id

bp = Blueprint("helper", __name__, url_prefix="/helper")


@bp.route("/")
def dashboard():
    """Show who needs help now (open requests oldest first, then learners stuck), the other
    learners by last activity (found by name, of a group if chosen), and the phone-code box."""
    lang = page_language()
    query = request.args.get("q", "")[: followup.QUERY_MAX].strip()
    group_id = request.args.get("group", "")
    group = None
    if group_id.isdigit() and is_id(int(group_id)):
        group = LearnerGroup.get_or_none(LearnerGroup.id == int(group_id))
    among = member_ids(group) if group is not None else None
    # Every learner may be stuck (a stuck learner is often not a recent one); only the first
    # of the others are listed.
    ranked = followup.rank_learners(query, among)
    stuck, more_stuck, others, matched = help_now.needs_help_now(ranked, lang)
    requests = help_requests.open_requests()
    if among is not None:
        requests = [r for r in requests if r.learner_id in among]
    args = {k: v for k, v in (("q", query), ("group", group.id if group else None)) if v}
    return render_template(
        "helper/dashboard.html",
        query=query,
        matched=matched,
        shown_count=len(others),
        stuck=stuck,
        more_stuck=more_stuck,
        learners=others,
        requests=help_requests.shown_requests(requests, lang),
        handled=help_requests.just_handled(request.args.get("handled"), lang),
        groups=all_groups(),
        group=group,
        refresh_url=url_for(".dashboard", **args),
        shown_at=format_time(dt.datetime.now(), "short", rebase=False),
    )


@bp.route("/learners/<int:user_id>")
def learner(user_id):
    """Show everything about one learner: paths, help requests, lessons, account."""
    learner = active_learner_or_404(user_id)
    lang = page_language()
    has_card = (
        SignInCard.select()
        .where((SignInCard.user == learner) & SignInCard.revoked.is_null())
        .exists()
    )
    requests = help_requests.shown_requests(help_requests.requests_of(learner), lang)
    return render_template(
        "helper/learner.html",
        changes=changes_of(learner),
        groups_of_learner=groups_of(learner),
        sessions=sessions_of(learner),
        kind_label=kind_label,
        learner=learner,
        paths=learner_paths(learner, lang),
        requests=requests,
        open_requests=[r for r in requests if r.request.handled_at is None],
        handled=help_requests.just_handled(request.args.get("handled"), lang),
        history=followup.learner_history(learner, lang),
        has_card=has_card,
        devices=sign_ins.open_count(learner),
        answer_summary=answer_summary(learner, lang),
        **certificate_rows(learner, lang),
    )


def render_session_form(form: HelpSessionForm, status: int = 200):
    return render_template(
        "helper/session.html",
        form=form,
        **help_session_form.lesson_choices(form, page_language()),
        languages=language_choices(),
        session_kinds=kind_choices(),
    ), status


@bp.route("/session")
def session():
    """Show the after-session form, for a new learner or for the one given."""
    form = help_session_form.new_form(page_language())
    if request.args.get("learner"):
        form.learner = active_learner_or_404(request.args.get("learner", type=int) or 0)
        form.values["learner_id"] = str(form.learner.id)
    return render_session_form(form)


@bp.route("/session", methods=["POST"])
def save_session():
    """Create the learner if new, give them the path, and show the slip to print."""
    key = help_session_form.submitted_form_key(request.form)
    already = saved_with_key(key)
    if already is not None:
        return already_saved(already)
    form = help_session_form.parse_session_form(request.form, page_language())
    if form.problems:
        return render_session_form(form, 400)
    try:
        help_session, learner, token, password = save_help_session(form, person(), key)
    except AccountError as exc:  # a username taken by someone else a moment ago
        form.problems = [("username", problem) for problem in exc.problems]
        return render_session_form(form, 400)
    except IntegrityError:  # the same form sent twice at once: the other one saved it
        already = saved_with_key(key)
        if already is None:
            raise
        return already_saved(already)
    if help_session.has_path:
        return slip_page(help_session, learner, token, password, created=form.learner is None)
    if password:  # a new learner, no path: their sign-in card, with the password, once
        return cards_page([render_card(learner, token, password)], learner=learner)
    flash(
        _l(
            "The session with %(name)s is recorded (%(kind)s, %(minutes)d min).",
            name=learner.display_name,
            kind=kind_label(form.kind),
            minutes=form.minutes,
        )
    )
    return redirect(url_for("helper.learner", user_id=learner.id), 303)


def already_saved(help_session: HelpSession):
    """Answer a form sent a second time: it was saved once; the slip can be printed again."""
    flash(
        _l(
            "This form was already sent and saved. To print the slip again, use “Print the slip "
            "again” below."
        )
    )
    return redirect(url_for("helper.learner", user_id=help_session.learner_id), 303)


@bp.route("/assignments/<int:help_session_id>/slip", methods=["POST"])
def reprint_slip(help_session_id):
    """Print a path's slip again, with a new QR code (the old card or slip stops working)."""
    help_session = HelpSession.get_or_none(HelpSession.id == help_session_id)
    if help_session is None:
        abort(404)
    learner = active_learner_or_404(help_session.learner_id)
    password = None
    with database.atomic():
        if request.form.get("new_password") == "1":
            password = easy_password("learner")
            set_password(learner, password)
        token = issue_card(learner)
    return slip_page(help_session, learner, token, password)


@bp.route("/learners/<int:user_id>/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere(user_id):
    """End every sign-in of a learner: a phone lost, a lab computer left signed in."""
    learner = active_learner_or_404(user_id)
    sign_ins.end_all(learner)
    flash(_l("%(name)s is now signed out on every device.", name=learner.display_name))
    return redirect(url_for("helper.learner", user_id=learner.id), 303)


@bp.route("/learners/<int:user_id>/password")
def password(user_id):
    """Ask to confirm giving a learner a new password (for a forgotten one)."""
    return render_template("helper/password.html", learner=active_learner_or_404(user_id))


@bp.route("/learners/<int:user_id>/password", methods=["POST"])
def reset_password(user_id):
    """Give the learner a new easy password and show it once."""
    learner = active_learner_or_404(user_id)
    new_password = easy_password("learner")
    with database.atomic():
        set_password(learner, new_password)
        record_change(learner, person(), "password")
    # Never cached, like every page under /helper/ (web/security.py): it shows a password.
    return render_template("helper/password_done.html", learner=learner, password=new_password)


@bp.route("/code")
def code():
    """Open the step whose phone code was typed, beside the learner's progress if given."""
    learner = None
    if request.args.get("learner"):
        learner = active_learner_or_404(request.args.get("learner", type=int) or 0)
    typed = request.args.get("code", "")
    step = services.phone_codes().find(typed) if typed.strip() else None
    lesson = find_lesson(step[0], page_language()) if step else None
    if lesson is None or not lesson.step_index(step[1]):
        near = []
        for lesson_id, step_id in services.phone_codes().near(typed):
            other = find_lesson(lesson_id, page_language())
            if other and other.step_index(step_id):
                near.append(
                    (
                        services.phone_codes().code_for(lesson_id, step_id),
                        other,
                        other.step_index(step_id),
                    )
                )
        status = 404 if typed.strip() else 200
        return render_template(
            "helper/code.html", typed=typed[:20], near=near, learner=learner
        ), status
    number = lesson.step_index(step[1])
    if learner is None:
        return redirect(url_for("learn.step", lang=lesson.lang, lesson_id=lesson.id, number=number))
    progress = Progress(AccountStore(learner))
    renderer = services.renderer()
    return render_template(
        "helper/code_step.html",
        learner=learner,
        lesson=lesson,
        number=number,
        code=services.phone_codes().code_for(lesson.id, step[1]),
        title=renderer.step_title(lesson, number),
        body=renderer.step(lesson, number),
        titles=[renderer.step_title(lesson, n) for n in range(1, len(lesson.steps) + 1)],
        done_numbers=set(progress.done_numbers(lesson)),
        next_number=progress.next_step(lesson),
    )


def init_app(app):
    """Serve the helper desk and give templates its date helpers and header links."""
    template_helpers.init_app(app)
    app.register_blueprint(bp)
