"""Answering questions over plain HTTP: feedback without JavaScript, answers kept like progress."""

import re

import pytest

from tests.conftest import (
    STARTER_LESSONS,
    app_database,
    csrf_token_from,
    database_config,
    make_app,
)

LESSON = "creer-adresse-courriel"
PASSWORD_STEP = 7  # "Choose a password", with the question #strong-password
PROVIDER_STEP = 3  # "Go to the provider's website", with #type-provider-address
ADDRESS_STEP = 6  # "Choose your address", with #good-address (.several)


@pytest.fixture
def app(tmp_path, database_backend):
    """The real starter lessons, whose questions are the ones learners meet."""
    return make_app(tmp_path, STARTER_LESSONS, **database_config(database_backend))


def step_url(number, lang="en"):
    return f"/{lang}/lessons/{LESSON}/{number}"


def answer(client, question_id, lang="en", number=PASSWORD_STEP, json=False, **form):
    """Send the question's form as the page has it, CSRF token included."""
    token = csrf_token_from(client.get(step_url(number, lang)).get_data(as_text=True))
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        f"/questions/{LESSON}/{question_id}?lang={lang}",
        data={"csrf_token": token, **form},
        headers=headers,
    )


def stored(app):
    from coursesite.data.models import QuestionAnswer

    with app_database(app):
        return [
            (r.user.username, r.lesson_id, r.question_id, r.answer, r.right)
            for r in QuestionAnswer.select().order_by(QuestionAnswer.id)
        ]


def test_the_step_shows_its_question_as_a_form_that_needs_no_javascript(client):
    html = client.get(step_url(PASSWORD_STEP)).get_data(as_text=True)
    section = html[html.index('id="q-strong-password"') :]
    assert 'method="post"' in section and f'action="/questions/{LESSON}/strong-password' in section
    assert section.count('type="radio" name="choice"') == 4
    assert "Which of these passwords is the hardest to guess?" in section
    assert "Choose one answer." in section
    # The right answer and the feedback are not in the page before an answer.
    assert "anyone who knows your date of birth" not in html
    assert "QUESTION" not in html


def test_a_wrong_answer_comes_back_at_the_question_with_its_feedback_then_a_right_one(client):
    response = answer(client, "strong-password", choice="2")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{step_url(PASSWORD_STEP)}#q-strong-password")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    feedback = html[html.index('id="q-strong-password-feedback"') :]
    # Said in words and with a mark, not only by a colour.
    assert "✗</span> Not quite." in feedback
    assert "one of the most used passwords in the world" in feedback
    assert "Wrong answers cost nothing" in feedback
    assert re.search(r'value="2" id="q-strong-password-2" checked', html)
    # The feedback is shown once: reloading the step shows the plain question again.
    again = client.get(step_url(PASSWORD_STEP)).get_data(as_text=True)
    assert "Not quite." not in again
    right = client.get(answer(client, "strong-password", choice="3").headers["Location"])
    html = right.get_data(as_text=True)
    assert "✓</span> Right!" in html and "easy for you to remember" in html
    assert "You already answered this question right" in client.get(
        step_url(PASSWORD_STEP)
    ).get_data(as_text=True)


def test_typed_answers_ignore_capitals_accents_and_spaces(client):
    location = answer(
        client, "type-provider-address", number=PROVIDER_STEP, typed="  GMÁIL.Com "
    ).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "Right!" in html and "Then press the Enter key." in html
    location = answer(
        client, "type-provider-address", number=PROVIDER_STEP, typed="hotmail.com"
    ).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "Not quite." in html and "Look at the table in step 1" in html
    assert 'value="hotmail.com"' in html  # what was typed stays in the box to correct


def test_tick_all_that_apply_says_how_many_right_answers_are_missing(client):
    location = answer(client, "good-address", number=ADDRESS_STEP, choice=["1"]).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "Not quite." in html and "2 right answers are not ticked yet." in html
    location = answer(client, "good-address", number=ADDRESS_STEP, choice=["1", "2", "4"])
    assert "Right!" in client.get(location.headers["Location"]).get_data(as_text=True)


def test_an_empty_answer_asks_for_one_and_is_not_kept(client, app, auth, make_learner):
    make_learner("carole", name="Carole Tremblay", language="en")
    auth.login("carole")
    html = client.get(answer(client, "strong-password").headers["Location"]).get_data(as_text=True)
    assert "Choose an answer first." in html
    assert stored(app) == []


def test_with_javascript_the_answer_comes_back_as_the_questions_new_html(client):
    response = answer(client, "strong-password", choice="1", json=True)
    data = response.get_json()
    assert data["right"] is False and data["answered"] is True
    assert 'id="q-strong-password-feedback"' in data["html"]
    assert "anyone who knows your date of birth can guess it" in data["html"]
    assert 'tabindex="-1"' in data["html"]  # the script moves focus there: a reader says it


@pytest.mark.db
def test_a_learners_answers_are_kept_every_one_with_right_or_not(client, app, auth, make_learner):
    make_learner("carole", name="Carole Tremblay", language="en")
    auth.login("carole")
    answer(client, "strong-password", choice="2")
    answer(client, "strong-password", choice="3")
    answer(client, "type-provider-address", number=PROVIDER_STEP, typed="Gmail.com")
    assert stored(app) == [
        ("carole", LESSON, "strong-password", "123456", False),
        ("carole", LESSON, "strong-password", "Three or four unrelated words, with a number", True),
        ("carole", LESSON, "type-provider-address", "Gmail.com", True),
    ]


def test_answers_follow_the_question_id_across_languages(client, app, auth, make_learner):
    make_learner("carole", name="Carole Tremblay")
    auth.login("carole")
    client.get(answer(client, "strong-password", lang="fr", choice="3").headers["Location"])
    html = client.get(step_url(PASSWORD_STEP, "en")).get_data(as_text=True)
    assert "You already answered this question right" in html


@pytest.mark.db
def test_a_step_page_reads_the_answers_of_its_own_lesson_only(client, app, auth, make_learner):
    # A step page reads one lesson's answers, not the learner's whole history; an answer
    # to a question of the same id in another lesson says nothing about this one.
    from coursesite.data.models import QuestionAnswer, User

    make_learner("carole", name="Carole Tremblay", language="en")
    with app_database(app):
        carole = User.get(User.username == "carole")
        QuestionAnswer.create(
            user=carole,
            lesson_id="another-lesson",
            question_id="strong-password",
            answer="3",
            right=True,
        )
    auth.login("carole")
    page = client.get(step_url(PASSWORD_STEP)).get_data(as_text=True)
    assert "You already answered this question right" not in page
    client.get(answer(client, "strong-password", choice="3").headers["Location"])
    page = client.get(step_url(PASSWORD_STEP)).get_data(as_text=True)
    assert "You already answered this question right" in page


def test_a_visitors_answers_join_the_account_only_when_the_person_says_yes(
    client, app, auth, make_learner
):
    make_learner("carole", name="Carole Tremblay", language="en")
    answer(client, "strong-password", choice="1")
    answer(client, "strong-password", choice="3")
    assert stored(app) == []
    auth.login("carole")
    assert stored(app) == []  # nothing joined silently: the page asks first
    page = client.get("/en/")
    assert "before signing in on this computer" in page.get_data(as_text=True)
    token = csrf_token_from(page.get_data(as_text=True))
    client.post("/visitor-progress", data={"join": "yes", "csrf_token": token})
    assert [(row[2], row[4]) for row in stored(app)] == [
        ("strong-password", False),
        ("strong-password", True),
    ]


def test_a_visitors_answers_are_forgotten_when_the_person_says_no(client, app, auth, make_learner):
    make_learner("carole", name="Carole Tremblay", language="en")
    answer(client, "strong-password", choice="1")
    auth.login("carole")
    token = csrf_token_from(client.get("/en/").get_data(as_text=True))
    client.post("/visitor-progress", data={"join": "no", "csrf_token": token})
    assert stored(app) == []
    assert "before signing in" not in client.get("/en/").get_data(as_text=True)


def test_an_unknown_question_is_not_found(client):
    assert answer(client, "no-such-question", choice="1").status_code == 404


def test_the_side_by_side_preview_lines_questions_up_by_id(app, client, auth, make_staff):
    from pathlib import Path

    make_staff("sophie")
    auth.login("sophie", "staff-pass-47")
    # A question only the French version asks: its row says so in the English column.
    french = Path(app.config["LESSONS"]) / "fr" / LESSON / "lesson.md"
    french.write_text(
        french.read_text(encoding="utf-8")
        + "\n> [!QUESTION] {#only-fr}\n> Quoi?\n>\n> - [x] Oui\n>   > Oui.\n> - [ ] Non\n>   > Non.\n",
        encoding="utf-8",
    )
    html = client.get(f"/staff/lessons/{LESSON}/preview").get_data(as_text=True)
    row = html[html.index('aria-label="Question strong-password"') :]
    row = row[: row.index("</section>")]
    assert "Lequel de ces mots de passe" in row and "Which of these passwords" in row
    assert row.count("✓</span> bonne") == 2  # the right answer marked, in both columns
    only = html[html.index('aria-label="Question only-fr"') :]
    assert "Aucune question avec l’identifiant «\u00a0only-fr\u00a0» dans cette langue." in only


def test_the_report_lists_the_question_most_often_missed_first_and_its_csv(
    app, client, auth, make_learner, make_staff
):
    make_learner("carole", name="Carole Tremblay", language="en")
    auth.login("carole")
    answer(client, "strong-password", choice="2")  # missed first
    answer(client, "strong-password", choice="3")
    answer(client, "type-provider-address", number=PROVIDER_STEP, typed="gmail.com")
    auth.logout()
    make_staff("sophie")
    auth.login("sophie", "staff-pass-47")
    html = client.get("/staff/reports?lang=en").get_data(as_text=True)
    missed = html[html.index('id="missed-title"') :]
    rows = missed[missed.index("<tbody>") : missed.index("</tbody>")].split("<tr>")[1:]
    assert "Which of these passwords is the hardest to guess?" in rows[0]
    assert '<span class="figure">1</span>' in rows[0] and "1 learner answered" in rows[0]
    assert '<span class="figure">0</span>' in rows[1]
    csv = client.get("/staff/reports/questions.csv?lang=en").get_data(as_text=True)
    lines = csv.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Lesson id,Lesson title,Question id,Question")
    assert lines[1].startswith(f"{LESSON},Create an email address,strong-password,")
    assert lines[1].endswith(",1,1")


TOKENS = re.compile(r'name="csrf_token" value="([^"]+)"')


def step_page(client, number=PASSWORD_STEP) -> str:
    response = client.get(step_url(number))
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["visitor", "learner", "learner who answered", "just answered"])
def test_a_kept_question_is_the_question_a_plain_render_gives(
    client, auth, make_learner, monkeypatch, who
):
    # A question shown without an answer just sent is made once per page and status, and
    # gets each request's CSRF token: the page must be the one a plain render gives.
    if who != "visitor":
        make_learner("carole", name="Carole Tremblay", language="en")
        auth.login("carole")
    if who == "learner who answered":
        client.get(answer(client, "strong-password", choice="3").headers["Location"])
    if who == "just answered":  # its feedback and the choice ticked: the person's own
        answer(client, "strong-password", choice="2")
    kept = [step_page(client) for _ in range(2 if who != "just answered" else 1)]
    monkeypatch.setattr(
        "coursesite.learn.lesson_pages.pages.kept_questions", lambda key, questions: {}
    )
    plain = step_page(client)
    if who == "just answered":  # the feedback shows once: send the answer again
        answer(client, "strong-password", choice="2")
        plain = step_page(client)
    for made in kept:
        assert TOKENS.sub("", made) == TOKENS.sub("", plain)
        assert len(set(TOKENS.findall(made))) == 1  # the question's form and the others
    assert 'class="question' in plain


def test_each_person_gets_their_own_token_in_a_kept_question(app, client):
    first = step_page(client)
    other = app.test_client()
    second = step_page(other)
    (mine,), (theirs,) = set(TOKENS.findall(first)), set(TOKENS.findall(second))
    assert mine != theirs
    form = {"choice": "3"}
    url = f"/questions/{LESSON}/strong-password?lang=en"
    assert other.post(url, data={"csrf_token": mine, **form}).status_code == 400
    assert other.post(url, data={"csrf_token": theirs, **form}).status_code in (302, 303)


def test_a_question_answered_right_says_so_on_the_next_view(client, auth, make_learner):
    make_learner("carole", name="Carole Tremblay", language="en")
    auth.login("carole")
    assert "You already answered this question right" not in step_page(client)
    client.get(answer(client, "strong-password", choice="3").headers["Location"])
    assert "You already answered this question right" in step_page(client)
