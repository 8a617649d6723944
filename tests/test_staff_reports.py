"""The reports page and its CSV files, as staff see and download them."""

import csv
import datetime as dt
import io
import re

import pytest

from coursesite.data.models import HelpSession, StepProgress, User, utcnow
from tests.conftest import PASSWORDS, app_database
from tests.test_html_valid import save_pages, validate

pytestmark = pytest.mark.db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def staff(app, client, auth, make_staff, make_helper, make_learner):
    """Sophie (staff, signed in), with two learners' steps and sessions this week."""
    sophie = make_staff("sophie", name="Sophie")
    richard = make_helper("richard", name='=HYPERLINK("http://x")')  # a name typed by someone
    carole, eve = make_learner("carole"), make_learner("eve")
    now = utcnow() - dt.timedelta(hours=1)
    with app_database(app):
        for learner, steps in ((carole, ["open-door", "saluer"]), (eve, ["open-door"])):
            for step in steps:
                StepProgress.create(user=learner.id, lesson_id="bonjour", step_id=step, done_at=now)
        for helper, kind, minutes in (
            (richard, "lab", 60),
            (sophie, "home", 45),
            (richard, "phone", 15),
        ):
            HelpSession.create(
                learner=carole.id,
                helper=helper.id,
                title="t",
                created=now,
                kind=kind,
                minutes=minutes,
            )
    auth.login("sophie", PASSWORDS["staff"])
    return client


def test_the_report_shows_the_last_30_days_in_big_figures_first(staff):
    page = text_of(staff.get("/staff/reports"))
    today = dt.date.today()
    assert f'value="{(today - dt.timedelta(days=29)).isoformat()}"' in page
    assert f'value="{today.isoformat()}"' in page
    assert "<dt>Personnes apprenantes actives</dt><dd>2</dd>" in page
    assert "<dt>Séances d’aide</dt><dd>3</dd>" in page
    assert "<dt>Leçons commencées</dt><dd>2</dd>" in page
    assert page.index("Personnes apprenantes actives") < page.index(
        "Séances d’aide par membre de l’équipe"
    )
    # Per lesson: each step with its learners, both languages' titles, a bar beside each number.
    assert "Dire bonjour" in page and '<span lang="en">Say hello</span>' in page
    assert '<span class="step-title" lang="en">Open the door</span>' in page
    assert page.count('<svg class="bar"') == 2 + 3  # two helpers, three steps
    assert 'width="100.0"' in page and 'width="50.0"' in page
    assert "style=" not in page and "<script>" not in page


def test_presets_and_a_chosen_period(staff):
    page = text_of(staff.get("/staff/reports?from=2026-01-01&to=2026-01-31"))
    assert "Du 1 janvier 2026 au 31 janvier 2026" in page
    assert "<dt>Personnes apprenantes actives</dt><dd>0</dd>" in page
    for label in ("Les 30 derniers jours", "Ce mois-ci", "Le mois dernier", "Cette année"):
        assert label in page
    first = dt.date.today().replace(day=1).isoformat()
    assert f'href="/staff/reports?from={first}&amp;to={dt.date.today().isoformat()}"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-02-30", "Le premier jour n’est pas une date que nous comprenons"),
        ("to=hier", "Le dernier jour n’est pas une date que nous comprenons"),
        ("from=1850-01-01", "Le premier jour n’est pas une date"),
        ("from=2026-05-01&to=2026-04-01", "Le premier jour vient après le dernier jour"),
        (
            "from=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-01-01",
            "Le premier jour n’est pas",
        ),  # wide digits
    ],
)
def test_a_wrong_period_gets_a_plain_400_in_french(staff, query, message):
    for path in ("/staff/reports", "/staff/reports/summary.csv", "/staff/reports/steps.csv"):
        response = staff.get(f"{path}?{query}")
        assert response.status_code == 400 and response.mimetype == "text/html"
        assert message in text_of(response)


def read_csv(response, delimiter=";") -> list[list[str]]:
    body = response.data
    assert body.startswith("\ufeff".encode())  # Excel reads the accents right
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def test_the_summary_csv_has_french_headers_numbers_and_a_stable_order(staff):
    response = staff.get("/staff/reports/summary.csv?from=2000-01-01&to=2100-12-31")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="coursesite-summary-2000-01-01-2100-12-31.csv"'
    )
    assert response.mimetype == "text/csv"
    rows = read_csv(response)
    assert rows[:4] == [
        ["Mesure", "Nombre"],
        ["Premier jour", "2000-01-01"],
        ["Dernier jour", "2100-12-31"],
        ["Personnes apprenantes actives", "2"],
    ]
    # A number is written as a number (never quoted); a name that looks like a formula is text.
    assert "Séances d’aide;3\r\n" in response.data.decode("utf-8-sig")
    assert rows[-7:] == [
        ['Séances d’aide de =HYPERLINK("http://x")', "2"],
        ['Séances d’aide de =HYPERLINK("http://x")\u00a0: Au labo', "1"],
        ['Séances d’aide de =HYPERLINK("http://x")\u00a0: Au téléphone', "1"],
        ['Minutes d’aide de =HYPERLINK("http://x")', "75"],
        ["Séances d’aide de Sophie", "1"],
        ["Séances d’aide de Sophie\u00a0: Au domicile de la personne", "1"],
        ["Minutes d’aide de Sophie", "45"],
    ]
    # Funders' figures: sessions and minutes of each kind of help.
    for row in (
        ["Minutes d’aide", "120"],
        ["Séances d’aide\u00a0: Au labo", "1"],
        ["Minutes d’aide\u00a0: Au labo", "60"],
        ["Séances d’aide\u00a0: Au domicile de la personne", "1"],
        ["Séances d’aide\u00a0: Au téléphone", "1"],
        ["Minutes d’aide\u00a0: Au téléphone", "15"],
    ):
        assert row in rows
    assert (
        staff.get("/staff/reports/summary.csv?from=2000-01-01&to=2100-12-31").data == response.data
    )


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text():
    from coursesite.staff.reports.report_pages import csv_cell

    assert [csv_cell(v) for v in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "Léa", 12, 0)] == [
        "'=1+1",
        "'+33",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "Léa",
        12,
        0,
    ]


def test_the_steps_csv_lists_every_step_of_every_lesson_in_order(staff):
    rows = read_csv(staff.get("/staff/reports/steps.csv"))
    assert rows[0] == [
        "Identifiant de la leçon",
        "Titre de la leçon (fr)",
        "Titre de la leçon (en)",
        "Numéro de l’étape",
        "Identifiant de l’étape",
        "Titre de l’étape (fr)",
        "Titre de l’étape (en)",
        "Personnes qui ont fait cette étape",
    ]
    assert rows[1:] == [
        [
            "bonjour",
            "Dire bonjour",
            "Say hello",
            "1",
            "open-door",
            "Ouvrir la porte",
            "Open the door",
            "2",
        ],
        ["bonjour", "Dire bonjour", "Say hello", "2", "saluer", "Saluer", "", "1"],
        ["bonjour", "Dire bonjour", "Say hello", "3", "leave", "Partir", "Leave", "0"],
    ]


def test_in_english_the_csv_has_english_headers_and_commas(staff):
    response = staff.get("/staff/reports/summary.csv?lang=en")
    rows = read_csv(response, delimiter=",")
    assert rows[0] == ["Measure", "Number"] and rows[3] == ["Active learners", "2"]


def test_only_staff_get_the_reports(client, auth, make_helper):
    assert client.get("/staff/reports/summary.csv").status_code == 302
    make_helper("richard")
    auth.login("richard", PASSWORDS["helper"])
    assert client.get("/staff/reports/steps.csv").status_code == 403


def test_the_staff_pages_of_reports_and_privacy_requests_are_valid_html(app, staff, tmp_path):
    with app_database(app):
        carole = User.get(User.username == "carole").id
    pages = {
        "staff-home": "/staff/",
        "reports": "/staff/reports",
        "reports-empty": "/staff/reports?from=2001-01-01&to=2001-01-31",
        "reports-invalid": "/staff/reports?from=nope",
        "learners": "/staff/learners",
        "learners-found": "/staff/learners?q=car",
        "learners-none": "/staff/learners?q=zzz",
        "learner": f"/staff/learners/{carole}",
        "delete": f"/staff/learners/{carole}/delete",
        "reports-en": "/staff/reports?lang=en",
    }
    invalid = staff.get(pages.pop("reports-invalid"))  # save_pages takes 200 and 404 only
    assert invalid.status_code == 400
    (tmp_path / "reports-invalid.html").write_bytes(invalid.data)
    files = [*save_pages(staff, pages, tmp_path), tmp_path / "reports-invalid.html"]
    assert validate(files) == []
