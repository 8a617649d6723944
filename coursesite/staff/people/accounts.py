"""Helper and staff accounts, managed by staff in the browser: create, rename, deactivate and
reactivate, give a new password (shown once). Every change is recorded with who made it.

Every URL here is under /staff/, so roles.py lets only staff in: a helper can touch no staff
(or helper) account. Learners' accounts are changed from the helper desk.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coursesite.accounts.account_form import render_account_form, save_account_form
from coursesite.accounts.changes import record_change, set_active
from coursesite.accounts.users import (
    AccountError,
    create_user,
    easy_password,
    set_password,
    suggest_username,
)
from coursesite.data.database import database
from coursesite.data.models import User
from coursesite.web.i18n import language_choices
from coursesite.web.roles import person

bp = Blueprint("staff_accounts", __name__, url_prefix="/staff/accounts")
ROLE_NAMES = {"learner": _l("Learner"), "helper": _l("Helper"), "staff": _l("Staff")}
TEAM_ROLES = ("helper", "staff")
FIELDS = ("display_name", "username")  # a team member's language is their own to choose


def team_member_or_404(user_id: int) -> User:
    user = User.get_or_none((User.id == user_id) & User.role.in_(TEAM_ROLES))
    if user is None:
        abort(404)
    return user


def render_index(values: dict, problems: list, status: int = 200):
    accounts = (
        User.select()
        .where(User.role.in_(TEAM_ROLES))
        .order_by(User.active.desc(), User.display_name, User.id)
    )
    return render_template(
        "staff/accounts.html",
        accounts=list(accounts),
        values=values,
        problems=problems,
        role_names=ROLE_NAMES,
        languages=language_choices(),
    ), status


def password_page(account: User, password: str, created: bool = False):
    """Return the page that shows a password once; never cached."""
    # Never cached, like every page under /staff/ (web/security.py).
    return render_template(
        "staff/account_password.html",
        account=account,
        password=password,
        created=created,
        back_url=url_for(".account", user_id=account.id),
    )


@bp.route("")
def index():
    """List helper and staff accounts, with the form to create one."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return render_index({"name": "", "username": "", "role": "helper", "language": default}, [])


@bp.route("", methods=["POST"])
def create():
    """Create a helper or staff account with an easy password, shown once."""
    values = {
        "name": " ".join(request.form.get("name", "")[:200].split()),
        "username": request.form.get("username", "")[:80].strip(),
        "role": request.form.get("role", ""),
        "language": request.form.get("language", ""),
    }
    if values["role"] not in TEAM_ROLES:
        return render_index(values, [_l("Please choose the role: helper or staff.")], 400)
    username = values["username"] or suggest_username(
        values["name"], {u.username for u in User.select(User.username)}
    )
    try:
        with database.atomic():
            account, password = create_user(
                username, values["role"], values["name"] or None, None, values["language"]
            )
            record_change(account, person(), "created")
    except AccountError as exc:
        return render_index(values, exc.problems, 400)
    return password_page(account, password, created=True)


def render_account(account: User, values: dict | None = None, problems=(), status: int = 200):
    form_url = url_for(".account", user_id=account.id)
    return render_account_form(
        "staff/account.html",
        account,
        FIELDS,
        form_url,
        values,
        problems,
        status,
        role_names=ROLE_NAMES,
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def account(user_id):
    """Show a helper's or staff member's account, its changes, and what can be done to it;
    save its new name and username."""
    account = team_member_or_404(user_id)
    if request.method == "GET":
        return render_account(account)
    done_url = url_for(".account", user_id=account.id)
    return save_account_form(account, FIELDS, render_account, done_url)


@bp.route("/<int:user_id>/password", methods=["POST"])
def reset_password(user_id):
    """Give the account a new easy password, shown once; its open sessions end."""
    account = team_member_or_404(user_id)
    password = easy_password(account.role)
    with database.atomic():
        set_password(account, password)
        record_change(account, person(), "password")
    return password_page(account, password)


@bp.route("/<int:user_id>/active", methods=["POST"])
def set_active_view(user_id):
    """Deactivate an account (it can no longer sign in) or reactivate it."""
    account = team_member_or_404(user_id)
    if account.id == current_user.id:
        flash(_l("You cannot deactivate your own account."))
    else:
        active = request.form.get("active") == "1"
        set_active(account, person(), active)
        flash(_l("The account is reactivated.") if active else _l("The account is deactivated."))
    return redirect(url_for(".account", user_id=account.id), 303)
