"""Pages kept whole for everyone, with holes for each person (web/page_skeleton.py).

A step page is rendered once without anybody, cut at its holes, and then only the holes
are filled for each request. These tests check that a kept page is exactly the page a
plain render gives, whoever asks, and that nothing personal ever lands in what is kept:
also when two learners and a visitor ask for the same step at the same time from a real
waitress server (each page shows its own reader's progress, name and CSRF token, and each
token works only for its owner).
"""

import http.cookiejar
import random
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from flask import render_template
from itsdangerous import URLSafeTimedSerializer
from jinja2 import TemplateNotFound

from coursesite.learn.progress import step_count
from coursesite.web import page_skeleton, skeleton_cut
from coursesite.web.page_skeleton import PageKey
from tests.conftest import PASSWORDS, LiveServer, csrf_token_from

STEP = "/fr/lessons/bonjour/1"
TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def page(client, path=STEP) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return TOKEN.sub('name="csrf_token" value=""', response.get_data(as_text=True))


@pytest.fixture
def plain(monkeypatch):
    """Render pages the ordinary way: the whole template for every request."""

    def render_plainly(template, key, everyone, person, made_with=None, same_as=None):
        person = person() if callable(person) else person
        return render_template(template, **everyone, **(made_with() if made_with else {}), **person)

    def use():
        monkeypatch.setattr("coursesite.learn.lesson_pages.pages.render_page", render_plainly)

    return use


def mark_done(client, step_id="open-door"):
    token = csrf_token_from(client.get(STEP).get_data(as_text=True))
    response = client.post(
        f"/progress/bonjour/{step_id}?lang=fr", data={"csrf_token": token, "done": "1"}
    )
    assert response.status_code in (200, 302, 303)


@pytest.mark.parametrize("who", ["visitor", "learner", "learner who did it", "helper", "staff"])
def test_a_kept_step_page_is_the_page_a_plain_render_gives(app, client, auth, plain, who):
    if who != "visitor":
        role = who if who in ("helper", "staff") else "learner"
        from tests.conftest import add_user

        add_user(app, "carole", role, name="Carole")
        auth.login("carole", PASSWORDS[role])
    if who == "learner who did it":
        mark_done(client)
    paths = [STEP, "/fr/", "/fr/?missing=hello", "/fr/lessons/bonjour/2", "/fr/search?q=porte"]
    kept = {path: [page(client, path) for _ in range(2)] for path in paths}  # made, reused
    plain()
    for path in paths:
        assert kept[path][0] == kept[path][1] == page(client, path), path


def test_nothing_personal_is_kept(app, client, auth, make_learner):
    make_learner("carole", name="Carole")
    auth.login("carole")
    mark_done(client)
    mine = client.get(STEP).get_data(as_text=True)
    assert "Session de Carole" in mine and "Vous avez fait cette étape." in mine
    kept = app.jinja_env.kept_pages._kept
    assert kept, "the step page was not kept"
    token = TOKEN.search(mine).group(0)
    skeletons = [value for (_, _, name), value in kept.items() if name == "skeleton"]
    assert skeletons
    for skeleton in skeletons:
        text = "".join(skeleton.texts)
        assert "Carole" not in text and "csrf_token" not in text and token not in text
        assert "Étapes faites" not in text  # her count is hers
    # A visitor asking next gets the visitor's page, not hers.
    visitor = app.test_client().get(STEP).get_data(as_text=True)
    assert "Carole" not in visitor and "Me connecter" in visitor
    assert "Étapes faites dans cette leçon\u00a0: 0 sur 3" in visitor


def test_visitors_with_nothing_in_their_session_share_one_page_but_not_its_token(app, monkeypatch):
    # Their step page is made once (its holes too) and kept with a stand-in where the token
    # goes: the next such visitor costs no question, progress or help work at all.
    from coursesite.learn.lesson_pages import pages

    made = []
    real = pages.step_questions
    monkeypatch.setattr(pages, "step_questions", lambda *a: made.append(a) or real(*a))
    first, second = app.test_client(), app.test_client()
    one, two = first.get(STEP).get_data(as_text=True), second.get(STEP).get_data(as_text=True)
    assert len(made) == 1
    assert TOKEN.sub("", one) == TOKEN.sub("", two)
    tokens = {raw_token(app, t) for t in TOKEN_VALUE.findall(one + two)}
    assert len(tokens) == 2  # one each, in every form of their page
    kept = [
        v
        for (who, _, name), v in app.jinja_env.kept_pages._kept.items()
        if name == ("state", "nothing")
    ]
    assert len(kept) == 1 and len(kept[0]) > 1
    assert not any(token in "".join(kept[0]) for token in TOKEN_VALUE.findall(one + two))
    # Each token is its reader's: the other's is refused, their own accepted.
    path = "/progress/bonjour/saluer?lang=fr"
    theirs = TOKEN_VALUE.search(two).group(1)
    assert first.post(path, data={"csrf_token": theirs, "done": "1"}).status_code == 400
    mine = TOKEN_VALUE.search(one).group(1)
    assert first.post(path, data={"csrf_token": mine, "done": "1"}).status_code in (200, 302, 303)
    # Now the first visitor has a step done in their session: their own page, made for them.
    assert COUNT.search(page(first)).groups() == ("1", "3")
    assert len(made) == 2
    assert COUNT.search(page(second)).groups() == ("0", "3")
    assert len(made) == 2


def test_a_visitors_message_is_theirs_alone(app):
    # A message waiting in one visitor's session (a flash the help box shows) is shown to
    # them, and not kept for the visitors who have none.
    from flask import flash

    from coursesite.desk.help_requests.help_requests import PROBLEM

    @app.route("/test-flash")
    def leave_a_message():
        flash("Un message pour vous seul", PROBLEM)
        return "ok"

    fresh, flashed = app.test_client(), app.test_client()
    assert "pour vous seul" not in page(fresh)
    flashed.get("/test-flash")
    shown = page(flashed)
    assert "pour vous seul" in shown
    assert "pour vous seul" not in page(fresh)


def test_a_form_outside_a_hole_is_refused_when_the_page_is_made(app):
    oops = app.jinja_env.from_string(
        '<form><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>'
    )
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        with pytest.raises(RuntimeError, match="CSRF token"):
            page_skeleton.render_page(oops, PageKey(1, "visitor", ("oops",)), {}, {})
        assert len(app.jinja_env.kept_pages) == 0  # nothing kept


def test_a_hole_marks_its_place_and_an_ordinary_page_includes_it(app):
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        recorder = skeleton_cut.Recorder("\x00m:")
        template = app.jinja_env.from_string(
            'a{{ personal("site/_lab_contact.html", heading=False) }}b{{ personal_csrf_field() }}'
            "c{{ personal_name() }}d{{ personal_part('progress', 'count') }}e"
        )
        assert (
            template.render(page_skeleton=recorder)
            == "a\x00m:0\x00b\x00m:1\x00c\x00m:2\x00d\x00m:3\x00e"
        )
        assert recorder.holes == [
            skeleton_cut.Hole("site/_lab_contact.html", (("heading", False),)),
            skeleton_cut.Hole(skeleton_cut.CSRF, ()),
            skeleton_cut.Hole(skeleton_cut.NAME, ()),
            skeleton_cut.Hole(skeleton_cut.PART, ("progress", "count")),
        ]
        values = {}
        app.update_template_context(values)
        values["progress"] = {"count": step_count({"done_count": 2, "total": 5})}
        values["current_user"] = SimpleNamespace(display_name="Léa <b>")
        ordinary = template.render(values)  # no recorder: an include, the field, the name
        assert ordinary.startswith("a") and "\x00" not in ordinary
        assert 'name="csrf_token" value="' in ordinary
        assert "cLéa &lt;b&gt;dÉtapes faites dans cette leçon\u00a0: 2 sur 5e" in ordinary


def test_a_hole_shown_only_if_its_function_says_so_is_not_rendered_otherwise(app):
    # The question "add the steps you did before signing in?" is a hole on every page of a
    # signed-in person, and almost always empty: its template is not even rendered then.
    asked = []
    app.jinja_env.globals["asked"] = lambda: bool(asked)
    template = app.jinja_env.from_string(
        '[{{ personal("no/such/template.html", shown_if=asked) }}]'
        '[{{ personal("site/_lab_contact.html", shown_if=asked) }}]'
    )
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        key = PageKey(1, "visitor", ("asked",))
        assert page_skeleton.render_page(template, key, {}, {}) == "[][]"
        assert template.render() == "[][]"  # an ordinary page, alike
        asked.append(True)
        with pytest.raises(TemplateNotFound):  # rendered now, from the kept skeleton
            page_skeleton.render_page(template, key, {}, {})


@pytest.mark.parametrize("role", ["learner", "helper", "staff"])
def test_a_skeleton_made_for_a_role_cannot_read_the_person(app, make_learner, role):
    # The header's role parts are in the skeleton; anything of the person read outside a
    # hole is an error when the page is made, not an empty string sent to everyone.
    oops = app.jinja_env.from_string("{{ current_user.display_name }}")
    fine = app.jinja_env.from_string(
        "{{ current_user.is_authenticated }} {{ current_user.has_role('helper') }}"
    )
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        key = PageKey(1, role, ("fine",))
        assert page_skeleton.render_page(fine, key, {}, {}) == f"True {role != 'learner'}"
        with pytest.raises(skeleton_cut.PersonalValueInSkeleton, match="display_name"):
            page_skeleton.render_page(oops, PageKey(1, role, ("oops",)), {}, {})


def test_visitors_learners_and_staff_each_get_their_own_page(app, make_learner, make_staff):
    make_learner("carole", name="Carole")
    make_staff(name="Sophie")
    visitor, learner, staff = app.test_client(), app.test_client(), app.test_client()
    for client, (username, role) in (
        (learner, ("carole", "learner")),
        (staff, ("sophie", "staff")),
    ):
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        data = {"csrf_token": token, "username": username, "password": PASSWORDS[role]}
        assert client.post("/login", data=data).status_code in (200, 302, 303)
    for _ in range(2):  # whoever comes first, each kind keeps its own
        for client in (staff, learner, visitor):
            shown = page(client)
            asks = "J’ai besoin d’aide" in shown  # the learner's "I need help" form
            reads_code = "Lisez ce code au téléphone" in shown  # the visitor's way
            settings = 'href="/staff/settings"' in shown  # staff fill in the lab's details
            assert (asks, reads_code, settings) == (
                client is learner,
                client is visitor,
                client is staff,
            )


def test_the_lab_details_staff_save_show_at_once_on_a_kept_page(app, client, auth, make_staff):
    visitor = app.test_client()
    assert "418 555-0123" not in page(visitor)
    make_staff(name="Sophie")
    auth.login("sophie", PASSWORDS["staff"])
    settings = client.get("/staff/settings").get_data(as_text=True)
    fields = {"phone": "418 555-0123", "name_fr": "Carrefour techno", "name_en": "Tech Hub"}
    for lang in ("fr", "en"):
        for field in ("hours", "address", "message"):
            fields.setdefault(f"{field}_{lang}", "")
    response = client.post(
        "/staff/settings", data={"csrf_token": csrf_token_from(settings), **fields}
    )
    assert response.status_code == 303
    shown = page(visitor)
    assert "Appelez le labo\u00a0:" in shown and "418 555-0123" in shown  # "Need help?"
    assert "Un service gratuit de Carrefour techno." in shown  # the footer


def test_each_persons_text_size_is_kept_apart(app):
    big, usual = app.test_client(), app.test_client()
    token = csrf_token_from(big.get("/fr/display").get_data(as_text=True))
    big.post(
        "/fr/display",
        data={"csrf_token": token, "text_size": "200", "contrast": "normal", "motion": "full"},
    )
    assert re.search(r'<html lang="fr" class="[^"]*text-200', page(big))
    assert "text-200" not in page(usual).split(">", 2)[1]  # the <html> tag
    assert re.search(r'<html lang="fr" class="[^"]*text-200', page(big))


def test_the_display_link_comes_back_to_the_very_address(client):
    assert "next=/fr/lessons/bonjour/1?source%3Dposter" in page(client, STEP + "?source=poster")
    assert 'display?next=/fr/lessons/bonjour/1"' in page(client)


def test_a_lesson_edit_drops_every_kept_page(app, client, lessons_dir):
    assert "Dire bonjour" in page(client)
    lesson = lessons_dir / "fr" / "bonjour" / "lesson.md"
    lesson.write_text(lesson.read_text().replace("title: Dire bonjour", "title: Saluer"))
    assert "Dire bonjour" not in page(client) and "· Saluer ·" in page(client)


TOKEN_VALUE = re.compile(r'name="csrf_token" value="([^"]+)"')
COUNT = re.compile("Étapes faites dans cette leçon\u00a0: (\\d+) sur (\\d+)")


class Person:
    """A browser of its own: a cookie jar, and the pages it got."""

    def __init__(self, base: str, name: str):
        self.base, self.name = base, name
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.pages: list[str] = []

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> int:
        request = urllib.request.Request(self.base + path, urllib.parse.urlencode(data).encode())
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def sign_in(self, username: str) -> None:
        token = csrf_token_from(self.get("/login"))
        data = {"csrf_token": token, "username": username, "password": PASSWORDS["learner"]}
        assert self.post("/login", data) == 200
        assert f"Session de {self.name}" in self.get("/fr/")

    def mark(self, step_id: str) -> int:
        token = csrf_token_from(self.get(STEP))
        return self.post(f"/progress/bonjour/{step_id}?lang=fr", {"csrf_token": token, "done": "1"})


@pytest.fixture
def people(app, make_learner):
    make_learner("carole", name="Carole")
    make_learner("mamadou", name="Mamadou")
    make_learner("sophie", name="Sophie")
    server = LiveServer(app)
    carole, mamadou, sophie, visitor, traveller = (
        Person(server.url, "Carole"),
        Person(server.url, "Mamadou"),
        Person(server.url, "Sophie"),
        Person(server.url, None),
        Person(server.url, None),
    )
    carole.sign_in("carole")
    mamadou.sign_in("mamadou")
    sophie.sign_in("sophie")
    visitor.get(STEP)  # a visitor, with a session cookie (and its token) of their own
    # Carole did this very step; Mamadou and Sophie did the two others (one page for both of
    # them but for their name and token); the visitor did none; the traveller, another
    # visitor, did one, kept in their browser's session cookie.
    assert carole.mark("open-door") == 200
    for learner in (mamadou, sophie):
        assert learner.mark("saluer") == 200 and learner.mark("leave") == 200
    assert traveller.mark("leave") == 200
    yield carole, mamadou, sophie, visitor, traveller
    stop(server)


def stop(server: LiveServer) -> None:
    """Stop the server from inside its own loop: closing it from here races its select()."""
    waitress = server.server

    def close_every_channel():
        for channel in list(waitress._map.values()):
            channel.close()  # the loop ends when none is left

    waitress.task_dispatcher.shutdown()  # answers in flight finish first
    waitress.trigger.pull_trigger(close_every_channel)
    server.thread.join(timeout=10)
    assert not server.thread.is_alive()


def raw_token(app, signed: str) -> str:
    """Return the session's token that a form's signed token stands for."""
    serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    return serializer.loads(signed)


def test_each_person_sees_only_their_own_progress_name_and_token(app, people):
    carole, mamadou, sophie, visitor, traveller = people
    requests = [person for person in people for _ in range(15)]
    random.Random(16).shuffle(requests)

    def fetch(person):
        person.pages.append(person.get(STEP))

    with ThreadPoolExecutor(max_workers=9) as pool:
        list(pool.map(fetch, requests))

    for page in carole.pages:
        assert "Vous avez fait cette étape." in page  # her progress: this step done
        assert COUNT.search(page).groups() == ("1", "3")
        assert "Session de Carole" in page and "Mamadou" not in page and "Sophie" not in page
    for learner, other in ((mamadou, "Sophie"), (sophie, "Mamadou")):
        for page in learner.pages:
            assert "Vous avez fait cette étape." not in page  # not this step…
            assert COUNT.search(page).groups() == ("2", "3")  # …but the two others
            assert f"Session de {learner.name}" in page and other not in page
            assert "Carole" not in page
    for page in visitor.pages:
        assert "Vous avez fait cette étape." not in page
        assert COUNT.search(page).groups() == ("0", "3")
        assert "Session de" not in page and "Me connecter" in page
    for page in traveller.pages:  # a visitor too, but not the page of visitors who did none
        assert "Vous avez fait cette étape." not in page
        assert COUNT.search(page).groups() == ("1", "3")
        assert "Session de" not in page and "Me connecter" in page

    # One session token per person, in every form of every page they got, none shared.
    owners = {}
    for person in people:
        tokens = {raw_token(app, t) for page in person.pages for t in TOKEN_VALUE.findall(page)}
        assert len(tokens) == 1, person.name
        owners[tokens.pop()] = person
    assert len(owners) == 5

    # And a page's token works for its reader only.
    signed = {person.name: TOKEN_VALUE.search(person.pages[-1]).group(1) for person in people}
    path = "/progress/bonjour/saluer?lang=fr"
    assert carole.post(path, {"csrf_token": signed["Mamadou"], "done": "1"}) == 400
    assert sophie.post(path, {"csrf_token": signed["Mamadou"], "done": "1"}) == 400
    assert visitor.post(path, {"csrf_token": signed["Carole"], "done": "1"}) == 400
    visitor_token = TOKEN_VALUE.search(visitor.pages[-1]).group(1)
    assert traveller.post(path, {"csrf_token": visitor_token, "done": "1"}) == 400
    assert carole.post(path, {"csrf_token": signed["Carole"], "done": "1"}) == 200
    assert "Étapes faites dans cette leçon\u00a0: 2 sur 3" in carole.get(STEP)
    assert COUNT.search(visitor.get(STEP)).groups() == ("0", "3")


def retitle(lessons_dir, title: str) -> None:
    """Change only the lesson's title: its steps stay the same."""
    lesson = lessons_dir / "fr" / "bonjour" / "lesson.md"
    lesson.write_text(lesson.read_text().replace("title: Dire bonjour", f"title: {title}"))


def test_a_lesson_edit_shows_at_once_on_its_steps(client, lessons_dir):
    for _ in range(2):
        assert "Dire bonjour" in client.get(STEP).get_data(as_text=True)
    retitle(lessons_dir, "Saluer poliment")
    # The step is unchanged, yet every part showing the lesson's title must follow.
    page = client.get(STEP).get_data(as_text=True)
    assert "Dire bonjour" not in page
    assert "<title>Étape 1 sur 3 · Saluer poliment" in page
    assert ">Saluer poliment</a></p>" in page  # the link back to the lesson


def test_a_lesson_edit_shows_at_once_in_the_catalogue(client, lessons_dir):
    for _ in range(2):
        assert "Dire bonjour" in client.get("/fr/").get_data(as_text=True)
    retitle(lessons_dir, "Saluer poliment")
    catalogue = client.get("/fr/").get_data(as_text=True)
    assert "Saluer poliment" in catalogue and "Dire bonjour" not in catalogue


def test_a_search_is_kept_per_query_and_follows_a_lesson_edit(client, lessons_dir):
    step_link = 'href="/fr/lessons/bonjour/1"'
    assert step_link in page(client, "/fr/search?q=poussez")
    assert step_link not in page(client, "/fr/search?q=fenetre")
    lesson = lessons_dir / "fr" / "bonjour" / "lesson.md"
    lesson.write_text(lesson.read_text().replace("Poussez la porte.", "Ouvrez la fenêtre."))
    assert step_link in page(client, "/fr/search?q=fenetre")  # found at once
    assert step_link not in page(client, "/fr/search?q=poussez")
