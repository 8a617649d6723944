"""Creating a group's learners from a CSV file in the browser, for staff (/staff/import) and
for helpers (into a group: /helper/groups/<id>/import). One flow for both.

When some names are already known, nothing is created yet: the page lists those lines and
asks, for each, "same person" or "new person"; the file comes back with the answers (in a
hidden field, as base64 so that no line ending changes), so it need not be chosen again.
"""

import base64
import binascii
import re

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from coursesite.accounts.cards import issue_card, render_card
from coursesite.accounts.learner_csv import MAX_LEARNERS, LearnerImportError
from coursesite.accounts.learner_import import (
    DUPLICATE_CHOICES,
    DuplicatesToDecide,
    import_learners,
)
from coursesite.data.database import database
from coursesite.data.models import LearnerGroup
from coursesite.desk.groups import groups as group_data
from coursesite.desk.help_sessions.slips import cards_page
from coursesite.web.urls import is_id

DECISION_FIELD = re.compile(r"dup-([0-9]{1,6})")
CSV_DATA_MAX = 400_000  # base64 of a file of MAX_LEARNERS lines, with room to spare


def import_page(action: str, group=None, groups=None, status: int = 200, **shown):
    """Return the import page: the upload form, or the duplicates to decide."""
    values = {
        "problems": [],
        "duplicates": [],
        "undecided": [],
        "decisions": {},
        "csv_data": "",
        "target_group": None,
    }
    values.update(shown)
    return render_template(
        "staff/import.html",
        action=action,
        group=group,
        groups=groups or [],
        max_learners=MAX_LEARNERS,
        **values,
    ), status


def read_decisions(form) -> dict[int, str]:
    """Return {line: "skip" or "create"} from the duplicates page."""
    decisions = {}
    for name, value in form.items():
        match = DECISION_FIELD.fullmatch(name)
        if match and value in DUPLICATE_CHOICES:
            decisions[int(match.group(1))] = value
    return decisions


def handle_upload(action: str, group: LearnerGroup | None = None, groups=None):
    """Import the uploaded file (or the file's text sent back with the choices); answer the
    cards to print, or the page saying what to fix or decide."""
    target = group
    chosen = request.form.get("group") or ""
    if group is None and chosen.isdigit() and is_id(int(chosen)):
        target = LearnerGroup.get_or_none(LearnerGroup.id == int(chosen))
    upload = request.files.get("learners")
    if upload is not None and upload.filename:
        data = upload.read()
    else:
        try:
            data = base64.b64decode((request.form.get("csv_data") or "")[:CSV_DATA_MAX])
        except (binascii.Error, ValueError):
            data = b""
    if not data.strip():
        problems = [_l("Please choose a CSV file with the list of learners.")]
        return import_page(action, group, groups, 400, problems=problems)
    decisions = read_decisions(request.form)
    try:
        # Learners, group and cards together: a failure leaves none of them behind.
        with database.atomic():
            learners = import_learners(data, decisions)
            created = [learner for learner in learners if learner.created]
            tokens = [issue_card(learner.user) for learner in created]
            if target is not None:
                group_data.add_members(target, [x.user for x in learners if x.user is not None])
    except LearnerImportError as exc:
        return import_page(action, group, groups, 400, problems=exc.problems)
    except DuplicatesToDecide as exc:
        return import_page(
            action,
            group,
            groups,
            200 if not decisions else 400,
            duplicates=exc.learners,
            undecided=exc.undecided if decisions else [],
            decisions=decisions,
            csv_data=base64.b64encode(data).decode("ascii"),
            target_group=target.id if target is not None and group is None else None,
        )
    cards = [
        render_card(learner.user, token, learner.password)
        for learner, token in zip(created, tokens, strict=True)
    ]
    return cards_page(cards, imported=len(created), group=target)
