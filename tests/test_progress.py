"""Progress: marking steps, bars, "continue", merging a visitor's steps, and lesson edits."""

import datetime as dt
import json
import os
import re

import pytest

from coursesite.data.models import StepProgress, User
from coursesite.learn.progress_stores import SESSION_BUDGET, SessionStore
from tests.conftest import FIXTURE_LESSONS, app_database, csrf_token_from, make_app

pytestmark = pytest.mark.db

LESSON_MD = """---
title: Dire bonjour
summary: Une petite leçon pour les tests.
duration: 5
---

{steps}
"""


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def mark(client, step_id, done=True, lesson="bonjour", lang="fr", json_reply=False):
    token = csrf_token_from(client.get(f"/{lang}/lessons/bonjour/1").get_data(as_text=True))
    headers = {"Accept": "application/json"} if json_reply else {}
    return client.post(
        f"/progress/{lesson}/{step_id}?lang={lang}",
        headers=headers,
        data={"csrf_token": token, "done": "1" if done else "0"},
    )


def done_steps(app, username="carole") -> set[tuple[str, str]]:
    with app_database(app):
        rows = StepProgress.select().join(User).where(User.username == username)
        return {(row.lesson_id, row.step_id) for row in rows}


def write_lesson(lessons_dir, steps: str, lang="fr"):
    path = lessons_dir / lang / "bonjour" / "lesson.md"
    path.write_text(LESSON_MD.format(steps=steps), encoding="utf-8")
    # Make sure the catalogue sees a new version even within one mtime tick.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_without_javascript_marking_a_step_goes_back_to_it_shown_done(client):
    response = mark(client, "saluer")
    assert response.status_code == 303 and response.headers["Location"] == "/fr/lessons/bonjour/2"
    page = text_of(client.get("/fr/lessons/bonjour/2"))
    assert "Vous avez fait cette étape." in page and "Marquer comme pas faite" in page
    assert "Étapes faites dans cette leçon : 1 sur 3" in page
    mark(client, "saluer", done=False)
    page = text_of(client.get("/fr/lessons/bonjour/2"))
    assert "J’ai fait cette étape" in page and "Étapes faites dans cette leçon : 0 sur 3" in page


def test_with_javascript_the_reply_holds_the_new_form_and_an_announcement(client):
    response = mark(client, "open-door", json_reply=True)
    data = response.get_json()
    assert data["done"] is True and (data["done_count"], data["total"]) == (1, 3)
    assert data["announcement"] == "Étape marquée comme faite."
    assert "data-progress-form" in data["html"] and 'name="done" value="0"' in data["html"]


def test_the_step_page_form_works_without_javascript(client):
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    # Not done yet: the form is the step's bar, "I did this step → next".
    form = re.search(r'<nav class="step-bar".*?<form [^>]*>.*?</form>', page, re.S).group(0)
    assert 'method="post"' in form and 'action="/progress/bonjour/open-door?lang=fr"' in form
    assert 'name="csrf_token"' in form and 'name="done" value="1"' in form
    assert "data-progress-live" in page  # the polite announcement region for the script


@pytest.mark.parametrize(
    ("lesson", "step", "done", "status"),
    [
        ("bonjour", "no-such-step", "1", 404),
        ("nope", "open-door", "1", 404),
        ("bonjour", "open-door", "yes", 400),
        ("bonjour", "open-door", "", 400),
    ],
)
def test_only_real_steps_can_be_marked(client, lesson, step, done, status):
    token = csrf_token_from(client.get("/fr/lessons/bonjour/1").get_data(as_text=True))
    response = client.post(f"/progress/{lesson}/{step}", data={"csrf_token": token, "done": done})
    assert response.status_code == status


def test_marking_twice_stores_one_row_and_unmarking_removes_it(app, client, auth, make_learner):
    make_learner()
    auth.login()
    mark(client, "open-door")
    mark(client, "open-door")
    assert done_steps(app) == {("bonjour", "open-door")}
    mark(client, "open-door", done=False)
    assert done_steps(app) == set()


def test_overview_and_catalogue_show_progress_and_where_to_continue(client):
    page = text_of(client.get("/fr/"))
    assert "Continuer là où vous étiez" not in page and "<progress" not in page
    mark(client, "open-door")
    overview = text_of(client.get("/fr/lessons/bonjour/"))
    assert "Étapes faites : 1 sur 3" in overview
    assert re.search(
        r'<li class="is-done"><a href="/fr/lessons/bonjour/1">Ouvrir la porte</a> '
        r'<span class="step-done"><span aria-hidden="true">✓</span> Faite</span>',
        overview,
    )
    assert 'href="/fr/lessons/bonjour/2">Continuer à l’étape 2<' in overview
    catalogue = text_of(client.get("/fr/"))
    assert re.search(r'href="/fr/lessons/bonjour/2">Continuer là où vous étiez', catalogue)
    assert "Étapes faites dans toutes les leçons : 1 sur 3" in catalogue
    assert '<progress max="3" value="1"' in catalogue


def test_continue_skips_to_the_first_step_not_done_even_after_a_later_one(client):
    mark(client, "open-door")
    mark(client, "leave")
    assert 'href="/fr/lessons/bonjour/2">Continuer là où vous étiez' in text_of(client.get("/fr/"))
    mark(client, "saluer")
    catalogue = text_of(client.get("/fr/"))
    assert "Continuer là où vous étiez" not in catalogue  # all done: nothing to continue
    assert "Refaire cette leçon" in text_of(client.get("/fr/lessons/bonjour/"))


def test_progress_follows_step_ids_across_languages(client):
    mark(client, "leave")  # step 3 in French, step 2 in English
    overview = text_of(client.get("/en/lessons/bonjour/"))
    assert "Steps done: 1 of 2" in overview
    assert re.search(r'<li class="is-done"><a href="/en/lessons/bonjour/2">Leave</a>', overview)
    assert "You did this step." in text_of(client.get("/en/lessons/bonjour/2"))


def test_a_visitors_progress_joins_the_account_when_the_person_says_yes(
    app, client, auth, make_learner
):
    user = make_learner()
    earlier = dt.datetime(2026, 1, 5, 10, 0)
    with app_database(app):
        StepProgress.create(
            user=user, lesson_id="bonjour", step_id="leave", done_at=dt.datetime(2026, 11, 1, 9, 0)
        )
        StepProgress.create(user=user, lesson_id="bonjour", step_id="saluer", done_at=earlier)
    mark(client, "open-door")
    mark(client, "saluer")  # already in the account, earlier: kept once, with the earlier time
    auth.login()
    page = client.get("/fr/")
    assert "Vous avez fait 2 étapes avant de vous connecter" in text_of(page)
    client.post(
        "/visitor-progress",
        data={"join": "yes", "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )
    assert done_steps(app) == {
        ("bonjour", "open-door"),
        ("bonjour", "saluer"),
        ("bonjour", "leave"),
    }
    with app_database(app):
        assert StepProgress.get(StepProgress.step_id == "saluer").done_at == earlier
    assert "Étapes faites : 3 sur 3" in text_of(client.get("/fr/lessons/bonjour/"))
    # Signing out leaves a clean browser: the next person sees none of it.
    auth.logout()
    assert "Étapes faites" not in text_of(client.get("/fr/lessons/bonjour/"))


def test_signed_in_progress_survives_a_restart(tmp_path, auth, make_learner, client, app):
    make_learner()
    auth.login(remember=True)
    mark(client, "saluer")
    # Same instance folder and database, new app state.
    restarted = make_app(tmp_path, FIXTURE_LESSONS, DATABASE_URL=app.config["DATABASE_URL"])
    assert done_steps(restarted) == {("bonjour", "saluer")}


def test_lesson_edits_keep_progress_by_step_id(app, client, auth, make_learner, lessons_dir):
    make_learner()
    auth.login()
    for step in ("open-door", "saluer", "leave"):
        mark(client, step)
    # Reworded (same explicit id), reordered, "saluer" removed, a new step added.
    write_lesson(
        lessons_dir,
        "## Partir maintenant {#leave}\n\nx\n\n"
        "## Nouvelle étape {#new-step}\n\nx\n\n"
        "## Ouvrir la porte {#open-door}\n\nx\n",
    )
    overview = text_of(client.get("/fr/lessons/bonjour/"))
    assert "Étapes faites : 2 sur 3" in overview
    assert re.search(
        r'<li class="is-done"><a href="/fr/lessons/bonjour/1">Partir maintenant', overview
    )
    assert re.search(r'<li><a href="/fr/lessons/bonjour/2">Nouvelle étape</a></li>', overview)
    assert re.search(
        r'<li class="is-done"><a href="/fr/lessons/bonjour/3">Ouvrir la porte', overview
    )
    # The removed step's record is kept, and counts again when the step comes back.
    assert ("bonjour", "saluer") in done_steps(app)
    write_lesson(lessons_dir, "## Ouvrir la porte {#open-door}\n\nx\n\n## Saluer\n\nx\n")
    assert "Étapes faites : 2 sur 2" in text_of(client.get("/fr/lessons/bonjour/"))


def test_rewording_a_step_without_an_explicit_id_makes_it_a_new_step(client, lessons_dir):
    mark(client, "saluer")  # "## Saluer" has no {#id}: its id comes from the heading
    write_lesson(lessons_dir, "## Ouvrir la porte {#open-door}\n\nx\n\n## Saluer poliment\n\nx\n")
    assert "Étapes faites" not in text_of(client.get("/fr/lessons/bonjour/"))


def test_visitor_progress_never_outgrows_the_session_cookie():
    session = {}
    store = SessionStore(session)
    for number in range(400):
        store.add("une-lecon-au-nom-assez-long", f"une-etape-au-nom-vraiment-long-{number:03d}")
    entries = session["progress"]
    assert len(json.dumps(entries)) <= SESSION_BUDGET
    assert entries[-1][1].endswith("399")  # the newest are kept, the oldest dropped


def test_visitor_session_cookie_stays_small_in_a_real_request(client, lessons_dir):
    steps = "\n\n".join(
        f"## Étape {n} {{#step-with-a-rather-long-id-{n:03d}}}\n\nx" for n in range(150)
    )
    write_lesson(lessons_dir, steps)
    token = csrf_token_from(client.get("/fr/lessons/bonjour/1").get_data(as_text=True))
    for n in range(150):
        response = client.post(
            f"/progress/bonjour/step-with-a-rather-long-id-{n:03d}",
            data={"csrf_token": token, "done": "1"},
        )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert len(cookie) < 4000


def test_marking_a_step_missing_from_the_page_language_goes_back_where_it_exists(client):
    response = mark(client, "saluer", lang="en")  # "Saluer" exists only in French
    assert response.headers["Location"] == "/fr/lessons/bonjour/2"


def test_a_long_history_elsewhere_leaves_each_lesson_counted_right(
    app, client, auth, make_learner, lessons_dir
):
    # A learner well along: hundreds of steps done in other lessons, read by the catalogue,
    # while a step page reads only its own lesson's.
    (lessons_dir / "fr" / "visite").mkdir()
    (lessons_dir / "fr" / "visite" / "lesson.md").write_text(
        LESSON_MD.replace("Dire bonjour", "Rendre visite").format(
            steps="## Entrer {#come-in}\n\nEntrez.\n\n## Sortir {#go-out}\n\nSortez.\n"
        ),
        encoding="utf-8",
    )
    carole = make_learner()
    with app_database(app):
        StepProgress.insert_many(
            {
                "user": carole,
                "lesson_id": f"old-lesson-{n // 7}",
                # The same step ids as this lesson's: only the lesson tells them apart.
                "step_id": ("open-door", "leave", "saluer", "come-in", "go-out", "a", "b")[n % 7],
                "done_at": dt.datetime(2026, 1, 1) + dt.timedelta(minutes=n),
            }
            for n in range(400)
        ).execute()
        # "visite" worked on last week, "bonjour" yesterday.
        StepProgress.create(
            user=carole, lesson_id="visite", step_id="come-in", done_at=dt.datetime(2026, 11, 20)
        )
    auth.login("carole")
    mark(client, "open-door")
    with app_database(app):
        StepProgress.update(done_at=dt.datetime(2026, 11, 27)).where(
            StepProgress.lesson_id == "bonjour"
        ).execute()

    done, not_done = (text_of(client.get(f"/fr/lessons/bonjour/{n}")) for n in (1, 2))
    assert (
        "Vous avez fait cette étape." in done and "Étapes faites dans cette leçon : 1 sur 3" in done
    )
    assert "Vous avez fait cette étape." not in not_done
    assert "Étapes faites dans cette leçon : 1 sur 3" in not_done
    assert "Étapes faites : 1 sur 2" in text_of(client.get("/fr/lessons/visite/"))
    catalogue = text_of(client.get("/fr/"))
    assert "Étapes faites dans toutes les leçons : 2 sur 5" in catalogue
    # Where to continue: the lesson worked on last, at its first step not done.
    assert re.search(r'href="/fr/lessons/bonjour/2">Continuer là où vous étiez', catalogue)
    with app_database(app):
        StepProgress.update(done_at=dt.datetime(2026, 11, 28)).where(
            StepProgress.lesson_id == "visite"
        ).execute()
    catalogue = text_of(client.get("/fr/"))
    assert re.search(r'href="/fr/lessons/visite/2">Continuer là où vous étiez', catalogue)


def test_a_step_read_then_marked_in_one_request_is_read_again(app, make_learner):
    from coursesite.learn.progress import Progress
    from coursesite.learn.progress_stores import AccountStore

    carole = make_learner()
    with app.test_request_context(), app_database(app):
        progress = Progress(AccountStore(carole))
        assert not progress.is_done("bonjour", "open-door")  # one lesson's rows read
        progress.set_done("bonjour", "open-door", True)
        assert progress.is_done("bonjour", "open-door")
        assert progress.touched_lessons == {"bonjour"}  # everything read, after the change
        progress.set_done("bonjour", "open-door", False)
        assert not progress.is_done("bonjour", "open-door") and not progress.touched_lessons


def test_steps_read_for_the_catalogue_answer_every_lesson_after_it():
    from coursesite.learn.progress import Progress

    class Store:  # an account's store: it reads every lesson's steps, or one lesson's
        def __init__(self):
            self.reads = []

        def load_steps(self):
            self.reads.append("every lesson")
            return {"bonjour": {"open-door"}, "visite": {"come-in"}}

        def load_lesson(self, lesson_id):
            self.reads.append(lesson_id)
            return set()

    store = Store()
    progress = Progress(store)
    assert set(progress.touched_lessons) == {"bonjour", "visite"}
    # Once every lesson's steps are read, no lesson is read again on its own.
    assert progress.is_done("bonjour", "open-door") and progress.is_done("visite", "come-in")
    assert store.reads == ["every lesson"]
    alone = Store()
    assert not Progress(alone).is_done("bonjour", "open-door")
    assert alone.reads == ["bonjour"]  # a step page reads its own lesson only
