"""Staff reports under /staff/reports: the period's numbers, on a page and as CSV files.

The numbers come from reports.py, which says how each is counted. Every URL here is under
/staff/, so roles.py lets only staff in. CSV files are for spreadsheets: UTF-8 with a byte
order mark (Excel then reads accents right), column titles in the reader's language, the
separator Excel expects in that language (";" in French, "," in English), numbers written as
plain numbers, and rows always in the same order.
"""

import csv
import datetime as dt
import io
from functools import wraps

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from coursesite import services
from coursesite.data.models import LearnerGroup
from coursesite.desk.groups.groups import all_groups, member_ids
from coursesite.lessons.markup.markdown_text import strip_to_text
from coursesite.staff.reports.periods import Period, presets, read_period
from coursesite.staff.reports.question_reports import certificates_issued, missed_first
from coursesite.staff.reports.reports import bar_widths, build_report, lessons_by_id
from coursesite.web.urls import is_id

bp = Blueprint("staff_reports", __name__, url_prefix="/staff/reports")

PRESET_LABELS = {
    "last-30-days": _l("The last 30 days"),
    "this-month": _l("This month"),
    "last-month": _l("Last month"),
    "this-year": _l("This year"),
}
MISSED_SHOWN = 20  # the page shows the questions most missed; the CSV has them all
# Spreadsheets run a cell that starts like a formula: such text gets a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def chosen_group() -> LearnerGroup | None:
    """Return the group the report is filtered by (?group=ID), or None for every learner."""
    value = request.args.get("group", "")
    if not value.isdigit() or not is_id(int(value)):
        return None
    return LearnerGroup.get_or_none(LearnerGroup.id == int(value))


def report_for(period: Period, group: LearnerGroup | None = None):
    app = current_app
    learners = member_ids(group) if group is not None else None
    return build_report(period, services.catalogue(app), app.config["LANGUAGES"], None, learners)


def period_query(period: Period, group: LearnerGroup | None = None) -> dict:
    query = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    if group is not None:
        query["group"] = group.id
    return query


@bp.route("")
def page():
    """Show the period's numbers, sessions per helper and where learners stop in each lesson."""
    period, typed, problems = read_period(request.args)
    group = chosen_group()
    choices = [
        {
            "label": PRESET_LABELS[name],
            "url": url_for(".page", **period_query(preset, group)),
            "current": preset == period,
        }
        for name, preset in presets(dt.date.today()).items()
    ]
    if problems:
        return render_template(
            "staff/reports.html",
            typed=typed,
            problems=problems,
            choices=choices,
            report=None,
            groups=all_groups(),
            group=group,
        ), 400
    report = report_for(period, group)
    lessons = [lesson for lesson in report.lessons if lesson.learners]
    missed = missed_rows(period)
    return render_template(
        "staff/reports.html",
        typed=typed,
        problems=[],
        choices=choices,
        report=report,
        helper_bars=bar_widths([row.sessions for row in report.helpers]),
        lessons=[(lesson, bar_widths([s.learners for s in lesson.steps])) for lesson in lessons],
        quiet=len(report.lessons) - len(lessons),
        query=period_query(period, group),
        groups=all_groups(),
        group=group,
        first=format_date(period.first, "long"),
        last=format_date(period.last, "long"),
        renderer=services.renderer(),
        missed=missed[:MISSED_SHOWN],
        certificates=certificates_issued(*period.bounds()),
    )


def missed_rows(period: Period) -> list[dict]:
    """Return the questions answered in the period, the most often missed first, for the page."""
    start, end = period.bounds()
    lessons = lessons_by_id(services.catalogue(), current_app.config["LANGUAGES"])
    counts = missed_first(start, end, lessons)
    lang = str(get_locale())
    rows = []
    for row, width in zip(counts, bar_widths([row.missed for row in counts]), strict=True):
        lesson, question = row.versions.get(lang) or next(iter(row.versions.values()))
        rows.append(
            {
                "lesson_id": row.lesson_id,
                "question_id": row.question_id,
                "lesson_title": lesson.title,
                "text": strip_to_text(question.prompt),
                "lang": lesson.lang,
                "missed": row.missed,
                "answered": row.answered,
                "width": width,
            }
        )
    return rows


def csv_cell(value):
    """Return a value ready for a spreadsheet: numbers as they are, text never a formula."""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(rows: list[list], name: str, period: Period) -> Response:
    """Return rows as a CSV file to download, as Excel in the reader's language opens it."""
    buffer = io.StringIO()
    delimiter = ";" if str(get_locale()) == "fr" else ","
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([[csv_cell(v) for v in row] for row in rows])
    filename = f"coursesite-{name}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def csv_download(name: str):
    """Serve /staff/reports/<name>.csv: the rows the decorated function makes for the period.

    A link with a wrong period gets the report page, saying what is wrong with it.
    """

    def register(make_rows):
        @wraps(make_rows)
        def view():
            period, _typed, problems = read_period(request.args)
            if problems:
                return page()
            return csv_response(make_rows(period), name, period)

        return bp.route(f"/{name}.csv")(view)

    return register


@csv_download("summary")
def summary_csv(period: Period) -> list[list]:
    """Download the period's numbers and the sessions per helper as CSV."""
    group = chosen_group()
    report = report_for(period, group)
    rows = [
        [_("Measure"), _("Number")],
        [_("First day"), period.first.isoformat()],
        [_("Last day"), period.last.isoformat()],
    ]
    if group is not None:
        rows.append([_("Group"), group.name])
    rows += [
        [_("Active learners"), report.active_learners],
        [_("New learners"), report.new_learners],
        [_("Help sessions"), report.sessions],
        [_("Minutes of help"), report.minutes],
    ]
    for kind in report.kinds:
        rows.append([_("Help sessions: %(kind)s", kind=kind.label), kind.sessions])
        rows.append([_("Minutes of help: %(kind)s", kind=kind.label), kind.minutes])
    rows += [
        [_("Lessons started"), report.lessons_started],
        [_("Lessons finished"), report.lessons_finished],
        [_("Help requests opened"), report.requests_opened],
        [_("Help requests handled"), report.requests_handled],
        [_("Certificates issued"), certificates_issued(*period.bounds())],
    ]
    for row in report.helpers:
        name = row.helper.display_name if row.helper else _("former helpers")
        rows.append([_("Help sessions by %(name)s", name=name), row.sessions])
        for kind in row.kinds:
            rows.append(
                [
                    _("Help sessions by %(name)s: %(kind)s", name=name, kind=kind.label),
                    kind.sessions,
                ]
            )
        rows.append([_("Minutes of help by %(name)s", name=name), row.minutes])
    return rows


@csv_download("steps")
def steps_csv(period: Period) -> list[list]:
    """Download, for every lesson and step, how many learners did it in the period, as CSV."""
    languages = current_app.config["LANGUAGES"]
    renderer = services.renderer()
    header = [_("Lesson id")]
    header += [_("Lesson title (%(lang)s)", lang=lang) for lang in languages]
    header += [_("Step number"), _("Step id")]
    header += [_("Step title (%(lang)s)", lang=lang) for lang in languages]
    header += [_("Learners who did this step")]
    rows = [header]
    for lesson in report_for(period, chosen_group()).lessons:
        for position, step in enumerate(lesson.steps, 1):
            titles = []
            for lang in languages:
                version, number = lesson.versions.get(lang), step.numbers.get(lang)
                titles.append(renderer.step_title(version, number).striptags() if number else "")
            rows.append(
                [lesson.lesson_id]
                + [v.title if (v := lesson.versions.get(lang)) else "" for lang in languages]
                + [position, step.step_id, *titles, step.learners]
            )
    return rows


@csv_download("questions")
def questions_csv(period: Period) -> list[list]:
    """Download, for every question answered in the period, how many missed it first, as CSV."""
    rows = [
        [
            _("Lesson id"),
            _("Lesson title"),
            _("Question id"),
            _("Question"),
            _("Learners who answered"),
            _("Learners who missed it first"),
        ]
    ]
    for row in missed_rows(period):
        rows.append(
            [
                row["lesson_id"],
                row["lesson_title"],
                row["question_id"],
                row["text"],
                row["answered"],
                row["missed"],
            ]
        )
    return rows
