"""Pages reuse what is the same for everyone, and nothing of one person reaches another.

Two learners and a visitor ask for the same step at the same time from a real waitress
server: each page shows its own reader's progress, name and CSRF token, and each token
works only for its owner.
"""

import http.cookiejar
import random
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from itsdangerous import URLSafeTimedSerializer

from coursesite.web.shared_parts import SharedKey, SharedParts
from tests.conftest import PASSWORDS, LiveServer, csrf_token_from

STEP = "/fr/lessons/bonjour/1"  # "Ouvrir la porte", step id open-door
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
COUNT = re.compile(r"Étapes faites dans cette leçon : (\d+) sur (\d+)")


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
    server = LiveServer(app)
    carole, mamadou, visitor = (
        Person(server.url, "Carole"),
        Person(server.url, "Mamadou"),
        Person(server.url, None),
    )
    carole.sign_in("carole")
    mamadou.sign_in("mamadou")
    visitor.get(STEP)  # a visitor, with a session cookie (and its token) of their own
    # Carole did this very step; Mamadou did the two others; the visitor did none.
    assert carole.mark("open-door") == 200
    assert mamadou.mark("saluer") == 200 and mamadou.mark("leave") == 200
    yield carole, mamadou, visitor
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
    carole, mamadou, visitor = people
    requests = [person for person in people for _ in range(15)]
    random.Random(16).shuffle(requests)

    def fetch(person):
        person.pages.append(person.get(STEP))

    with ThreadPoolExecutor(max_workers=9) as pool:
        list(pool.map(fetch, requests))

    for page in carole.pages:
        assert "Vous avez fait cette étape." in page  # her progress: this step done
        assert COUNT.search(page).groups() == ("1", "3")
        assert "Session de Carole" in page and "Mamadou" not in page
    for page in mamadou.pages:
        assert "Vous avez fait cette étape." not in page  # not this step…
        assert COUNT.search(page).groups() == ("2", "3")  # …but the two others
        assert "Session de Mamadou" in page and "Carole" not in page
    for page in visitor.pages:
        assert "Vous avez fait cette étape." not in page
        assert COUNT.search(page).groups() == ("0", "3")
        assert "Session de" not in page and "Me connecter" in page

    # One session token per person, in every form of every page they got, none shared.
    owners = {}
    for person in people:
        tokens = {raw_token(app, t) for page in person.pages for t in TOKEN.findall(page)}
        assert len(tokens) == 1, person.name
        owners[tokens.pop()] = person
    assert len(owners) == 3

    # And a page's token works for its reader only.
    signed = {person.name: TOKEN.search(person.pages[-1]).group(1) for person in people}
    path = "/progress/bonjour/saluer?lang=fr"
    assert carole.post(path, {"csrf_token": signed["Mamadou"], "done": "1"}) == 400
    assert visitor.post(path, {"csrf_token": signed["Carole"], "done": "1"}) == 400
    assert carole.post(path, {"csrf_token": signed["Carole"], "done": "1"}) == 200
    assert "Étapes faites dans cette leçon : 2 sur 3" in carole.get(STEP)
    assert COUNT.search(visitor.get(STEP)).groups() == ("0", "3")


def without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrf_token" value=""', html)


def test_the_catalogue_is_the_same_whether_its_parts_are_reused_or_not(app, client, monkeypatch):
    # (The step page is kept whole: tests/test_page_skeleton.py.)
    first = client.get("/fr/").get_data(as_text=True)  # renders and keeps the shared parts
    reused = client.get("/fr/").get_data(as_text=True)
    assert app.jinja_env.shared_parts.generation is not None and len(app.jinja_env.shared_parts)
    monkeypatch.setattr(SharedParts, "_part", lambda self, context, name, caller: caller())
    fresh = client.get("/fr/").get_data(as_text=True)
    assert without_tokens(first) == without_tokens(reused) == without_tokens(fresh)


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


def test_a_form_cannot_be_kept_in_a_shared_part(app):
    template = app.jinja_env.from_string(
        '{% shared "oops" %}<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">'
        "{% endshared %}"
    )
    with app.test_request_context("/fr/"):
        assert "csrf_token" in template.render()  # no key: rendered every time, as before
        with pytest.raises(RuntimeError, match="CSRF token"):
            template.render(shared_parts=SharedKey(1, ("test",)))
