"""Staff upload a workshop's list of learners (into a group if they wish) and get a
printable sheet of their cards. The flow is the desk's (desk/groups/imports.py)."""

from flask import Blueprint, url_for

from coursesite.desk.groups.groups import all_groups
from coursesite.desk.groups.imports import handle_upload, import_page

bp = Blueprint("staff_import", __name__)


@bp.route("/staff/import")
def form():
    """Show the form to upload a CSV list of learners."""
    return import_page(url_for(".upload"), groups=all_groups())


@bp.route("/staff/import", methods=["POST"])
def upload():
    """Create the learners of the uploaded list, then show their cards ready to print."""
    return handle_upload(url_for(".upload"), groups=all_groups())
