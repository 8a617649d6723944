"""Who may open what: the one place where roles are checked.

Roles are ranked (see models.ROLES): a helper may do all a learner may, staff all a helper
may. Whole URL areas are guarded by their prefix, so a page added under /helper/ or /staff/
later cannot forget its check; a view elsewhere uses @require_role.
"""

from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

# The least role each area of the site needs; anything else is open to visitors.
ROLE_BY_PATH_PREFIX = (
    ("/staff/", "staff"),
    ("/helper/", "helper"),
)


def required_role(path: str) -> str | None:
    """Return the role this URL path needs, or None when visitors may open it."""
    for prefix, role in ROLE_BY_PATH_PREFIX:
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return role
    return None


def has_role(role: str) -> bool:
    """Tell whether the person making this request may do what `role` may."""
    user = person()
    return bool(user.is_authenticated and user.has_role(role))


def person():
    """Return who makes this request: the signed-in user or Flask-Login's anonymous one.

    The object itself, not the `current_user` proxy: to record who acted, and because a
    page reads it a dozen times and each read through the proxy looks the user up again.
    Once loaded, it is where Flask-Login keeps it for the request (and where a page's
    skeleton puts its stand-in, web/skeleton_cut.py).
    """
    user = g.get("_login_user")
    return user if user is not None else current_user._get_current_object()


def is_learner() -> bool:
    """Tell whether a signed-in learner makes this request (not a helper, not staff)."""
    user = person()
    return bool(user.is_authenticated and user.role == "learner")


def refuse():
    """Send visitors to the sign-in page and answer 403 to accounts without the role."""
    if not current_user.is_authenticated:
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target), 303 if request.method != "GET" else 302)
    abort(403)


def check_request_role():
    """Refuse the request if its URL area needs a role the person does not have."""
    role = required_role(request.path)
    if role and not has_role(role):
        return refuse()
    return None


def require_role(role: str):
    """Decorate a view that needs `role`, for views outside the guarded URL areas."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not has_role(role):
                return refuse()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app):
    """Check roles before every request."""
    app.before_request(check_request_role)
