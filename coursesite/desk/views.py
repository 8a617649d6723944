"""The helper desk under /helper/: learners, the after-session form, slips, phone codes.

Everything under /helper/ needs a helper or staff account: roles.py checks the URL prefix
before any view runs. Helpers' pages are as plain and forgiving as learners': nothing is
deleted by one click, and what changes an account asks to confirm on a page of its own.
"""

import datetime as dt
import re
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_datetime, format_time, get_locale, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from peewee import IntegrityError

from coursesite import services
from coursesite.accounts import sign_ins
from coursesite.accounts.cards import issue_card, render_card
from coursesite.accounts.changes import changes_of, describe, record_change
from coursesite.accounts.learner_import import suggest_username
from coursesite.accounts.users import AccountError, create_user, easy_password, set_password
from coursesite.data.database import database
from coursesite.data.models import HelpSession, LearnerGroup, SignInCard, User
from coursesite.desk import followup, help_requests, help_session_form
from coursesite.desk.groups import all_groups, groups_of, member_ids
from coursesite.desk.lookup import active_learner_or_404
from coursesite.desk.paths import (
    CUSTOM_MAX_LESSONS,
    NOTE_MAX,
    PRIVATE_NOTE_MAX,
    TITLE_MAX,
    assign_path,
    find_lesson,
    learner_paths,
    lessons_to_offer,
    paths_to_offer,
    record_session,
    sessions_of,
)
from coursesite.desk.session_kinds import kind_choices, kind_label
from coursesite.desk.slips import appointment_text, cards_page, slip_page
from coursesite.learn.answers import answer_summary
from coursesite.learn.certificates import certificate_rows
from coursesite.learn.progress import AccountStore, Progress
from coursesite.web.i18n import LANGUAGE_NAMES
from coursesite.web.roles import has_role
from coursesite.web.urls import is_id

bp = Blueprint("helper", __name__, url_prefix="/helper")
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def page_lang() -> str:
    return str(get_locale())


def me() -> User:
    return current_user._get_current_object()


@bp.route("/")
def dashboard():
    """Show who needs help now (open requests oldest first, then learners stuck), the other
    learners by last activity (found by name, of a group if chosen), and the phone-code box."""
    lang = page_lang()
    query = request.args.get("q", "")[: followup.QUERY_MAX].strip()
    group_id = request.args.get("group", "")
    group = None
    if group_id.isdigit() and is_id(int(group_id)):
        group = LearnerGroup.get_or_none(LearnerGroup.id == int(group_id))
    among = member_ids(group) if group is not None else None
    # Every learner is looked at for "stuck" (a stuck learner is often not a recent one);
    # only the first of the others are listed.
    found, _ = followup.find_learners(query, among, limit=None)
    stuck, others = followup.needs_help_now(followup.summaries(found, lang))
    requests = help_requests.open_requests()
    if among is not None:
        requests = [r for r in requests if r.learner_id in among]
    args = {k: v for k, v in (("q", query), ("group", group.id if group else None)) if v}
    return render_template(
        "helper/dashboard.html",
        query=query,
        matched=len(others),
        shown_count=min(len(others), followup.SHOWN_LEARNERS),
        stuck=stuck,
        learners=others[: followup.SHOWN_LEARNERS],
        requests=help_requests.shown_requests(requests, lang),
        handled=help_requests.just_handled(request.args.get("handled"), lang),
        groups=all_groups(),
        group=group,
        refresh_url=url_for(".dashboard", **args),
        shown_at=format_time(dt.datetime.now(), "short", rebase=False),
        notices=get_flashed_messages(),
    )


@bp.route("/learners/<int:user_id>")
def learner(user_id):
    """Show everything about one learner: paths, help requests, lessons, account."""
    learner = active_learner_or_404(user_id)
    lang = page_lang()
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
        notices=get_flashed_messages(),
        answer_summary=answer_summary(learner, lang),
        **certificate_rows(learner, lang),
    )


def render_session_form(form: help_session_form.HelpSessionForm, status: int = 200):
    lang = page_lang()
    return render_template(
        "helper/session.html",
        form=form,
        values=form.values,
        problems=form.problems,
        invalid=form.invalid,
        paths=paths_to_offer(lang),
        lessons=lessons_to_offer(lang),
        languages=[
            (code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
        ],
        session_kinds=kind_choices(),
        limits={
            "title": TITLE_MAX,
            "note": NOTE_MAX,
            "private_note": PRIVATE_NOTE_MAX,
            "lessons": CUSTOM_MAX_LESSONS,
        },
    ), status


@bp.route("/session")
def session():
    """Show the after-session form, for a new learner or for the one given."""
    form = help_session_form.blank_form(secrets.token_urlsafe(24), page_lang())
    if request.args.get("learner"):
        form.learner = active_learner_or_404(request.args.get("learner", type=int) or 0)
        form.values["learner_id"] = str(form.learner.id)
    return render_session_form(form)


@bp.route("/session", methods=["POST"])
def save_session():
    """Create the learner if new, give them the path, and show the slip to print."""
    key = request.form.get("form_key") or ""
    # Only a key this form could have been given (secrets.token_urlsafe) is kept: a forged one
    # with control characters was stored as is (and a NUL was a 500 on PostgreSQL).
    key = key if FORM_KEY.fullmatch(key) else ""
    already = HelpSession.get_or_none(HelpSession.form_key == key) if key else None
    if already is not None:
        return already_saved(already)
    form = help_session_form.parse_session_form(request.form, page_lang())
    if form.problems:
        return render_session_form(form, 400)
    values, learner, password = form.values, form.learner, None
    try:
        with database.atomic():
            if learner is None:
                username = values["username"] or suggest_username(
                    values["name"], {u.username for u in User.select(User.username)}
                )
                learner, password = create_user(
                    username, "learner", values["name"], None, values["language"]
                )
                record_change(learner, me(), "created")
            elif values["new_password"]:
                password = easy_password("learner")
                set_password(learner, password)
                record_change(learner, me(), "password")
            if form.lesson_ids:
                help_session = assign_path(
                    learner,
                    me(),
                    form.lesson_ids,
                    path_id=form.path_id,
                    title=values["custom_title"],
                    note_for_learner=values["note"],
                    private_note=values["private_note"],
                    next_appointment=form.appointment,
                    form_key=key or None,
                    kind=form.kind,
                    minutes=form.minutes,
                )
            else:
                help_session = record_session(
                    learner, me(), form.kind, form.minutes, form_key=key or None
                )
            # The new-learner form always prints a QR code, even when the helper then chose
            # an existing account of the same name; an existing learner's form asks. A
            # session without a path prints nothing, but a new learner's card.
            with_qr = not values["learner_id"] or values["new_card"]
            token = issue_card(learner) if with_qr and (form.lesson_ids or password) else None
    except AccountError as exc:  # a username taken by someone else a moment ago
        form.problems = [("username", problem) for problem in exc.problems]
        return render_session_form(form, 400)
    except IntegrityError:  # the same form sent twice at once: the other one saved it
        already = HelpSession.get_or_none(HelpSession.form_key == key)
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
        record_change(learner, me(), "password")
    response = current_app.make_response(
        render_template("helper/password_done.html", learner=learner, password=new_password)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/code")
def code():
    """Open the step whose phone code was typed, beside the learner's progress if given."""
    learner = None
    if request.args.get("learner"):
        learner = active_learner_or_404(request.args.get("learner", type=int) or 0)
    typed = request.args.get("code", "")
    step = services.phone_codes().find(typed) if typed.strip() else None
    lesson = find_lesson(step[0], page_lang()) if step else None
    if lesson is None or not lesson.step_index(step[1]):
        near = []
        for lesson_id, step_id in services.phone_codes().near(typed):
            other = find_lesson(lesson_id, page_lang())
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
    """Serve the helper desk and give templates its date helpers and header links."""
    app.add_template_filter(local_date)
    app.add_template_filter(days_ago)
    app.add_template_filter(appointment_text, "appointment")
    app.add_template_filter(local_datetime)
    app.add_template_global(describe, "describe_change")
    app.context_processor(lambda: {"desk_links": desk_links})
    app.register_blueprint(bp)
