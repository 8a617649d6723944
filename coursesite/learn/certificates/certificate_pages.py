"""Certificate pages: make one, print it, check it publicly, withdraw it (staff)."""

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coursesite.accounts.cards import qr_svg
from coursesite.data.models import HelpSession
from coursesite.data.privacy.anonymous_models import AnonymousCertificate
from coursesite.learn.certificates import certificates
from coursesite.web.network import public_url
from coursesite.web.roles import has_role, refuse

bp = Blueprint("certificates", __name__)


def verify_url(code: str) -> str:
    """Return the full address printed under the certificate's QR code."""
    return public_url() + "verify/" + certificates.shown_code(code)


def may_see(certificate) -> bool:
    """Tell whether the person may open this certificate: its learner, helpers and staff."""
    if not current_user.is_authenticated:
        return False
    return current_user.id == certificate.learner_id or has_role("helper")


def local_day(moment: dt.datetime) -> dt.date:
    """Return the lab's calendar day (the server's time zone) of a stored UTC time."""
    return moment.replace(tzinfo=dt.UTC).astimezone().date()


@bp.route("/certificates/make/<int:help_session_id>", methods=["POST"])
def make(help_session_id):
    """Make the certificate of a finished path, then show it to print."""
    if not current_user.is_authenticated:
        return refuse()
    help_session = HelpSession.get_or_none(HelpSession.id == help_session_id)
    if help_session is None:
        abort(404)
    if help_session.learner_id != current_user.id and not has_role("helper"):
        abort(404)
    certificate = certificates.issue(help_session.learner, help_session)
    if certificate is None:
        abort(409)  # the form is shown only once the path is finished
    return redirect(
        url_for("certificates.show", lang=certificate.language, code=certificate.code), 303
    )


@bp.route("/certificates/make-lesson/<lesson_id>", methods=["POST"])
def make_for_lesson(lesson_id):
    """Make a single lesson's certificate (when paths.yml allows it), then show it."""
    if not current_user.is_authenticated:
        return refuse()
    if current_user.role != "learner":
        abort(404)
    certificate = certificates.issue_for_lesson(current_user, lesson_id)
    if certificate is None:
        abort(409)  # the form is shown only once the lesson is complete
    return redirect(
        url_for("certificates.show", lang=certificate.language, code=certificate.code), 303
    )


@bp.route("/<lang:lang>/certificates/<code>")
def show(lang, code):
    """Show one certificate, ready to print on one page in the learner's language."""
    if not current_user.is_authenticated:
        return refuse()
    certificate = certificates.find(code)
    if certificate is None or not may_see(certificate):
        abort(404)
    if lang != certificate.language and certificate.language in current_app.config["LANGUAGES"]:
        return redirect(url_for(".show", lang=certificate.language, code=certificate.code))
    address = verify_url(certificate.code)
    with force_locale(certificate.language):
        label = str(_l("Check this certificate: %(address)s", address=address))
    lessons = certificates.listed_lessons(certificate)
    response = current_app.make_response(
        render_template(
            "certificates/print.html",
            certificate=certificate,
            learner=certificate.learner,
            lessons=lessons,
            minutes=sum(row["minutes"] for row in lessons),
            day=format_date(local_day(certificate.issued_at), "long"),
            lab=certificates.lab_name(),
            code=certificates.shown_code(certificate.code),
            address=address,
            qr=qr_svg(address, label),
            can_withdraw=has_role("staff"),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # a name: never kept by a shared browser
    return response


@bp.route("/verify")
def verify_form():
    """Let anyone type a certificate's code to check it."""
    typed = certificates.clean_code(request.args.get("code", ""))
    if typed:
        return redirect(url_for(".verify", code=certificates.shown_code(typed)))
    return render_template("certificates/verify.html", status="ask", facts=None, code="")


@bp.route("/verify/<code>")
def verify(code):
    """Say, to anyone, whether a certificate is real: first name and initial, path, date, lab."""
    certificate = certificates.find(code)
    if certificate is not None:
        status, code_shown = (
            "withdrawn" if certificate.revoked_at else "valid",
            certificates.shown_code(certificate.code),
        )
        facts = {
            "name": certificates.first_name_and_initial(certificate.learner.display_name),
            "title": certificate.title,
            "title_lang": certificate.language,
            "day": format_date(local_day(certificate.issued_at), "long"),
            "withdrawn_day": format_date(local_day(certificate.revoked_at), "long")
            if certificate.revoked_at
            else None,
            "lab": certificates.lab_name(),
        }
    else:
        gone = AnonymousCertificate.get_or_none(
            AnonymousCertificate.code == certificates.clean_code(code)
        )
        status, facts = ("gone" if gone else "unknown"), None
        code_shown = certificates.shown_code(certificates.clean_code(code))
    response = current_app.make_response(
        (
            render_template(
                "certificates/verify.html", status=status, facts=facts, code=code_shown
            ),
            404 if status == "unknown" else 200,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
