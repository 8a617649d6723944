"""Staff withdraw a certificate (its public verification page then says so), or undo it.

Under /staff/: roles.py lets only staff in.
"""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from coursesite.learn.certificates import certificates

bp = Blueprint("staff_certificates", __name__, url_prefix="/staff/certificates")

WITHDRAWN = _l("The certificate is withdrawn: its verification page now says so.")
RESTORED = _l("The certificate is valid again.")


@bp.route("/<code>/withdraw", methods=["POST"])
def withdraw(code):
    """Withdraw a certificate, or make it valid again."""
    certificate = certificates.find(code)
    if certificate is None:
        abort(404)
    revoked = request.form.get("withdraw") == "1"
    certificates.set_revoked(certificate, revoked)
    flash(str(WITHDRAWN if revoked else RESTORED))
    return redirect(
        url_for("certificates.show", lang=certificate.language, code=certificate.code), 303
    )
