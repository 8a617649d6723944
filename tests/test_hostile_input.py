"""Hostile input everywhere: every route, every URL part, query argument and form field.

Each hostile value (overlong, control characters, wrong types, invalid UTF-8 and percent-
encoding, path traversal, markup, SQL, emoji, right-to-left marks…) gets a page, never a 500;
a refusal is a 4xx page in the person's language (all accounts here speak French); a refused
form writes nothing; and whatever a form did accept is clean when stored.
"""

import io
import re
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from peewee import SQL, CharField, Select, TextField, fn

from coursesite import services
from coursesite.data.models import GroupMember, HelpRequest, LearnerGroup, LoginFailure, User
from coursesite.data.schema import tables
from tests.conftest import (
    FIXTURE_LESSONS,
    PASSWORDS,
    AuthActions,
    add_user,
    app_database,
    csrf_token_from,
    database_config,
    make_app,
)
from tests.test_roles import MATRIX

pytestmark = pytest.mark.db

# Text values, sent as typed (percent-encoded on the wire like a browser does).
TEXT = {
    "overlong": "A" * 100_000,
    "nul": "\x00",
    "nul-inside": "ab\x00cd",
    "controls": "\x01\x07\x1b[31m\x7f",
    "crlf": "x\r\nSet-Cookie: stolen=1",
    "crlf-path": "/fr/\r\nSet-Cookie: stolen=1",
    "open-redirect": "//evil.example/",
    "open-redirect-backslash": "/\\evil.example/",
    "open-redirect-scheme": "https://evil.example/",
    "open-redirect-tab": "/\t/evil.example/",
    "rtl-override": "\u202eevil",
    "rtl-marks": "\u200f\u202bمرحبا\u202c",
    "zero-width": "\u200b\ufeff",
    "emoji": "😀👩🏽‍💻",
    "percent-nul": "%00",
    "percent-bad": "%ff%fe",
    "traversal": "../../etc/passwd",
    "traversal-encoded": "..%2f..%2fetc%2fpasswd",
    "script": "<script>alert(1)</script>",
    "sql": "' OR 1=1 --",
    "huge-id": "9" * 40,
    "negative": "-1",
    "zero": "0",
    "float-overflow": "1e309",
    "nan": "NaN",
    "list": "[]",
    "object": "{}",
    "spaces": "   ",
    "empty": "",
}
# Bytes that are not UTF-8 text: sent raw in the body, query string or path.
RAW = {
    "invalid-utf8": b"\xff\xfe",
    "lone-surrogate": b"\xed\xa0\x80",  # U+D800 encoded as if it were a character
    "overlong-slash": b"\xc0\xaf",
    "percent-surrogate": b"%ED%A0%80",
    "percent-truncated": b"%e2%82",
    "bare-percent": b"%",
    "bad-escape": b"%zz",
}
ENGLISH_ERRORS = (
    "Something in that request was not right",
    "We could not find this page",
    "This page is not for your account",
    "That is too large",
    "Too many tries",
    "Something went wrong",
)

# Query arguments each page reads (besides `lang`, which every page reads). A test below fails
# when the code reads one not listed here.
QUERY_ARGS = {
    "static": ["v"],
    "learn.catalogue": ["missing"],
    "learn.search": ["q"],
    "auth.login": ["next"],
    "display.preferences": ["next"],
    "helper.dashboard": ["q", "handled", "group"],
    "helper.learner": ["handled"],
    "helper.session": ["learner"],
    "helper.code": ["code", "learner"],
    "progress.mark": ["lang"],
    "help_requests.ask": ["lang"],
    "staff_reports.page": ["from", "to", "group"],
    "staff_reports.summary_csv": ["from", "to", "group"],
    "staff_reports.steps_csv": ["from", "to", "group"],
    "staff_learners.search": ["q"],
    "highlights.highlight": ["use", "x0", "y0", "w0", "h0", "label0"],
}

# The page that shows each POST route's form(s); their fields are read from the page itself.
FORM_PAGES = {
    "auth.login": ["/login"],
    "auth.logout": [],  # a button and its CSRF token, nothing else
    "display.preferences": ["/fr/display"],
    "progress.mark": ["/fr/lessons/bonjour/1"],
    "help_requests.ask": ["/fr/lessons/bonjour/1"],
    "help_requests.handle": ["/helper/"],
    "help_requests.undo_handled": ["/helper/learners/{learner}"],
    "helper.save_session": ["/helper/session", "/helper/session?learner={learner}"],
    "helper.reprint_slip": ["/helper/learners/{learner}"],
    "helper.reset_password": ["/helper/learners/{learner}/password"],
    "cards.issue": ["/helper/learners/{learner}/card"],
    "cards.revoke": ["/helper/learners/{learner}/card"],
    "staff_import.upload": ["/staff/import"],
    "staff_learners.delete": ["/staff/learners/{learner}/delete"],
    "auth.card_confirm": ["/s/{card}"],
    "auth.sign_out_everywhere": ["/fr/account"],
    "progress.answer_visitor_question": ["/fr/"],  # Carole did a step before signing in
    "answers.answer": ["/fr/lessons/bonjour/2"],
    "certificates.make": ["/fr/"],  # Carole's current path is done, its certificate not made
    "certificates.make_for_lesson": ["/fr/lessons/bonjour/end"],
    "helper.sign_out_everywhere": ["/helper/learners/{learner}"],
    # Shown only while Léa's sign-in is paused, which never happens here: a button and its
    # CSRF token, nothing else.
    "staff_learners.lift_pause": [],
    "staff_certificates.withdraw": ["/fr/certificates/{code}"],
    "help_requests.take_request": ["/helper/"],
    "help_requests.answer": ["/helper/"],
    "helper_accounts.learner_account": ["/helper/learners/{learner}/account"],
    "groups.create": ["/helper/groups"],
    "groups.add": ["/helper/groups/{group}"],
    "groups.remove": ["/helper/groups/{group}"],
    "groups.cards": ["/helper/groups/{group}"],
    "groups.give_path": ["/helper/groups/{group}/path"],
    "groups.import_upload": ["/helper/groups/{group}/import"],
    "lab_settings.save": ["/staff/settings"],
    "staff_accounts.create": ["/staff/accounts"],
    "staff_accounts.account": ["/staff/accounts/{helper}"],
    "staff_accounts.reset_password": ["/staff/accounts/{helper}"],
    "staff_accounts.set_active_view": ["/staff/accounts/{helper}"],
    "editor.edit": ["/staff/lessons/bonjour/fr/edit"],
    "editor.preview": [],  # the editor's script posts the text; tested in test_lesson_editor.py
    "highlights.highlight": ["/staff/lessons/bonjour/fr/pictures/porte.png/highlight"],
    # Opening the editor keeps the file as version 1, whose page holds "Restore this version".
    "lesson_history.restore": [
        "/staff/lessons/bonjour/fr/edit",
        "/staff/lessons/bonjour/fr/history/1",
    ],
    "new_lessons.new": ["/staff/lessons/new"],
    "new_lessons.translate": [],  # bonjour exists in both languages; see test_lesson_editor.py
}

# Routes after which the client may be signed in as someone else, or signed out.
SIGN_IN_CHANGERS = {
    "auth.login",
    "auth.logout",
    "auth.card_confirm",
    "auth.sign_out_everywhere",
}

# A choice question and a typed one, added to the French fixture lesson's second step: the
# answer form has its fields, and there is a real question to answer.
QUESTIONS = """
> [!QUESTION] {#greeting}
> Que dites-vous en entrant?
>
> - [x] Bonjour
>   > Oui.
> - [ ] Rien
>   > Non : saluez.

> [!QUESTION] {#greeting-word .type-it}
> Tapez le mot pour saluer.
>
> - [x] bonjour
>   > Oui.
> - [ ] bonsoir
>   > Presque : c'est le matin.
>
> Tapez « bonjour », sans rien d'autre.

"""
RIGHT_ANSWERS = {"greeting": {"choice": "1"}, "greeting-word": {"typed": "bonjour"}}
PATHS_YML = """\
- id: essai
  title: {fr: Essai, en: Trial}
  lesson_certificates: true
  lessons: [bonjour]
"""


NEW_LEARNER_FIELDS = ("name", "username", "language", "same_as")


class Forms(HTMLParser):
    """Collect every form of a page: action, method and its fields' names and values."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {
                "id": attrs.get("id"),
                "action": attrs.get("action", ""),
                "method": attrs.get("method", "get"),
                "fields": {},
                "files": set(),
            }
            self.forms.append(self.current)
        elif tag in ("input", "textarea", "select", "button"):
            # A field outside its form names it: <input form="editor-form">.
            owner = next((f for f in self.forms if f["id"] and f["id"] == attrs.get("form")), None)
            form = owner or self.current
            name = attrs.get("name")
            if form is None or not name:
                return
            if attrs.get("type") == "file":
                form["files"].add(name)
            elif attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                form["fields"].setdefault(name, None)
            else:
                form["fields"][name] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


class Site:
    """An app with a French-speaking account per role, and some data to point at.

    Carole is the signed-in learner; Léa is the learner whose pages helpers and staff open
    (they change her password and cards); Ève signs in through the login form and her card.
    Carole did a step before signing in (so every page asks her about it), then every
    step of the lesson and answered its questions right: her first path has its certificate
    (the one staff withdraw), her current path and the lesson itself are ready for theirs.
    """

    def __init__(self, app):
        self.app = app
        self.learner = add_user(app, "carole", "learner", name="Carole")
        self.other = add_user(app, "eve", "learner", name="Ève")
        self.target = add_user(app, "lea", "learner", name="Léa")
        self.helper = add_user(app, "richard", "helper", name="Richard")
        # The helper account staff rename, reset and deactivate (not Richard, who walks on).
        self.account = add_user(app, "julie", "helper", name="Julie")
        self.staff = add_user(app, "sophie", "staff", name="Sophie")
        from coursesite.accounts.cards import issue_card
        from coursesite.data.models import utcnow
        from coursesite.desk.paths import assign_path

        with app.test_request_context(), app_database(app):
            self.help_session = assign_path(
                self.target, self.helper, ["bonjour"], note_for_learner="Bravo"
            )
            self.request = HelpRequest.create(
                learner=self.target, lesson_id="bonjour", step_id="open-door", message="?"
            )
            self.group = LearnerGroup.create(name="Atelier")
            GroupMember.create(group=self.group, learner=self.target)
            # A second member: the group keeps its "print every card" form after the walk
            # takes Léa out of it.
            GroupMember.create(group=self.group, learner=self.other)
            HelpRequest.create(
                learner=self.target,
                lesson_id="bonjour",
                step_id="leave",
                handled_at=utcnow(),
                handled_by=self.helper,
            )
        self.clients = {"visitor": app.test_client()}
        for role in ("learner", "helper", "staff"):
            self.clients[role] = self.signed_in(role)
        learner = self.clients["learner"]
        lesson = services.catalogue(app).get("fr", "bonjour")
        for step in lesson.steps:
            self.post(learner, f"/progress/bonjour/{step.id}", {"done": "1"})
        for question_id, form in RIGHT_ANSWERS.items():
            self.post(learner, f"/questions/bonjour/{question_id}?lang=fr", form)
        with app.test_request_context(), app_database(app):
            first_path = assign_path(self.learner, self.helper, ["bonjour"])
        made = self.post(learner, f"/certificates/make/{first_path.id}", {})
        self.certificate_code = made.headers["Location"].rsplit("/", 1)[1]
        with app.test_request_context(), app_database(app):
            self.learner_path = assign_path(self.learner, self.helper, ["bonjour"])
            self.card_token = issue_card(self.other)
        self.values = {
            "filename": "css/site.css",
            "name": "nothing.webp",
            "lang": "fr",
            "lesson_lang": "fr",
            "lesson_id": "bonjour",
            "number": 1,
            "k": 1,
            "token": self.card_token,
            "step_id": "open-door",
            "user_id": self.target.id,
            "request_id": self.request.id,
            "help_session_id": self.help_session.id,
            "topic": "essai",
            "question_id": "greeting",
            "code": self.certificate_code,
            "group_id": self.group.id,
        }
        # Carole makes the certificate of her own path, not Léa's.
        self.endpoint_values = {
            "certificates.make": {"help_session_id": self.learner_path.id},
            "learn.media": {"filename": "porte.png"},
            "editor.picture": {"name": "porte.png"},
            "highlights.highlight": {"name": "porte.png"},
            "staff_accounts.account": {"user_id": self.account.id},
            "staff_accounts.reset_password": {"user_id": self.account.id},
            "staff_accounts.set_active_view": {"user_id": self.account.id},
        }
        self.failures: list[str] = []
        self.form_cache: dict[str, tuple[dict, set]] = {}
        self.counter = 0

    def signed_in(self, role: str):
        """Return a new browser signed in as the French-speaking account of this role.

        Carole did a step before signing in: every page asks her whether it is hers.
        """
        client = self.app.test_client()
        if role == "learner":
            self.post(client, "/progress/bonjour/open-door", {"done": "1"})
        user = {"learner": "carole", "helper": "richard", "staff": "sophie"}[role]
        assert AuthActions(client).login(user, PASSWORDS[role]).status_code == 303
        return client

    def post(self, client, path: str, form: dict):
        """Send a form as the page would, and check it was taken."""
        token = csrf_token_from(client.get("/fr/lessons/bonjour/1").get_data(as_text=True))
        response = client.post(path, data={**form, "csrf_token": token})
        assert response.status_code == 303, (path, response.status_code)
        return response

    def values_for(self, endpoint: str) -> dict:
        return {**self.values, **self.endpoint_values.get(endpoint, {})}

    def lesson_text(self) -> str:
        path = Path(self.app.config["LESSONS"]) / "fr" / "bonjour" / "lesson.md"
        return path.read_text(encoding="utf-8")

    def page(self, template: str) -> str:
        return template.format(
            learner=self.target.id,
            card=self.card_token,
            code=self.certificate_code,
            helper=self.account.id,
            group=self.group.id,
        )

    def client_for(self, endpoint: str, method: str):
        return self.clients[MATRIX[(endpoint, method)]]

    def token(self, client) -> str:
        """Return a CSRF token of this client's session (one per session is enough)."""
        if getattr(client, "csrf_token", None) is None:
            page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
            client.csrf_token = csrf_token_from(page)
        return client.csrf_token

    def row_counts(self) -> tuple:
        """Return the number of rows of every table but the sign-in failures, in one query."""
        counted = [m for m in tables.MODELS if m is not LoginFailure]
        with app_database(self.app):
            return (
                Select(columns=[m.select(fn.COUNT(SQL("*"))) for m in counted])
                .tuples()
                .execute(services.database(self.app))[0]
            )

    def check(self, response, what: str, before: dict | None = None) -> None:
        """Note what is wrong with this answer to a hostile request."""
        status = response.status_code
        if status >= 500:
            self.failures.append(f"{status} {what}")
        elif status >= 400 and response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            if '<html lang="fr"' not in page or any(e in page for e in ENGLISH_ERRORS):
                self.failures.append(f"{status} not in French: {what}")
        location = response.headers.get("Location", "")
        if 300 <= status < 400 and not re.match(r"(http://localhost)?/(?![/\\])", location):
            self.failures.append(f"{status} redirects away to {location!r}: {what}")
        if any(ord(c) < 0x20 for c in location) or "stolen" in response.headers.get(
            "Set-Cookie", ""
        ):
            self.failures.append(f"{status} headers split by the request: {what}")
        if before is not None and status >= 400 and self.row_counts() != before:
            self.failures.append(f"{status} but rows were written: {what}")
        response.close()

    def fresh_baseline(self, endpoint: str, fields: dict, field: str | None = None) -> dict:
        """Return a form that would be accepted, so that the one hostile field is what is tested.

        The after-session form is for Léa, unless the field is one of a new learner's: making
        an account hashes a password, and hundreds of them would make this test slow.
        """
        self.counter += 1
        base = {k: v for k, v in fields.items() if v is not None}
        if endpoint == "helper.save_session" and field in NEW_LEARNER_FIELDS:
            base.pop("learner_id", None)
        elif endpoint == "helper.save_session":
            base["learner_id"] = str(self.target.id)
        extra = {
            "auth.login": {"username": "eve", "password": PASSWORDS["learner"], "next": "/fr/"},
            "progress.mark": {"done": "1"},
            "help_requests.ask": {"message": "Je suis perdue"},
            "display.preferences": {"text_size": "125", "contrast": "high", "motion": "reduced"},
            "helper.save_session": {
                "name": f"Léa {self.counter}",
                "path": "custom",
                "position-bonjour": "1",
                "language": "fr",
                "note": "Bravo",
                "form_key": f"key-{self.counter}",
                "kind": "phone",
                "minutes": "15",
            },
            "groups.give_path": {
                "path": "custom",
                "position-bonjour": "1",
                "form_key": f"group-key-{self.counter}",
            },
            "staff_learners.delete": {"username": "not-this-one"},
            "groups.create": {"name": f"Atelier {self.counter}"},
            # The form's text area holds the lesson (the page parser keeps no text content).
            "editor.edit": {"action": "save", "text": self.lesson_text()},
            "new_lessons.new": {
                "title": "Essai",
                "lesson_id": f"essai-{self.counter}",
                "lang": "fr",
            },
            "lab_settings.save": {"name_fr": "Le labo", "name_en": "The lab"},
        }
        return {**base, **extra.get(endpoint, {})}


@pytest.fixture
def site(tmp_path, database_backend):
    # Passwords hash with cheap scrypt parameters (tests/conftest.py): the hundreds of sign-ins
    # and new accounts below would take a minute at full cost.
    # Sign-in never pauses here: every hostile username must reach the code that reads it.
    lessons = tmp_path / "lessons"
    shutil.copytree(FIXTURE_LESSONS, lessons)
    lesson = lessons / "fr" / "bonjour" / "lesson.md"
    text = lesson.read_text()
    third_step = text.index("\n## Partir") + 1
    lesson.write_text(text[:third_step] + QUESTIONS + text[third_step:])
    (lessons / "paths.yml").write_text(PATHS_YML)
    app = make_app(
        tmp_path, FIXTURE_LESSONS, LOGIN_MAX_FAILURES=10**6, **database_config(database_backend)
    )
    site = Site(app)
    # The picture's box form is read before the walk's hostile lesson texts are saved over
    # the lesson (they no longer show the picture); other forms appear as the walk goes
    # (a card to stop once one is printed), so they are read when their route comes.
    for rule, _ in post_routes(app):
        if rule.endpoint == "highlights.highlight":
            form_fields(site, rule)
    yield site
    if database_backend == "postgresql":
        services.database(app).close()


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(?P<name>\w+)>")


def build_path(rule, values, hostile_arg=None, hostile=None) -> str:
    """Return the rule's path with its arguments filled in, one of them hostile if asked."""

    def part(match):
        name = match.group("name")
        if name == hostile_arg:
            return hostile
        return quote(str(values[name]), safe="/")

    return ARGUMENT.sub(part, rule.rule)


def latin1(raw: bytes) -> str:
    """Return raw bytes as WSGI carries them in PATH_INFO and QUERY_STRING."""
    return raw.decode("latin-1")


def send(
    site, rule, method, path, *, query=None, raw_query=None, form=None, raw_body=None, environ=None
):
    """Send one request as the least role allowed, with a valid CSRF token on a POST."""
    client = site.client_for(rule.endpoint, method)
    overrides = dict(environ or {})
    if raw_query is not None:
        overrides["QUERY_STRING"] = latin1(raw_query)
    if method == "GET":
        return client.get(path, query_string=query, environ_overrides=overrides)
    token = site.token(client)
    if raw_body is not None:
        body = raw_body + b"&csrf_token=" + token.encode()
        response = client.post(
            path,
            data=body,
            query_string=query,
            content_type="application/x-www-form-urlencoded",
            environ_overrides=overrides,
        )
    else:
        response = client.post(
            path,
            data={**(form or {}), "csrf_token": token},
            query_string=query,
            environ_overrides=overrides,
        )
    if rule.endpoint in SIGN_IN_CHANGERS:
        restore_sign_in(site, client)
    return response


def restore_sign_in(site, client):
    """Give back each role's browser as it was: visitors stay visitors, others signed in.

    A visitor may have signed in (the login form, a card); a learner may have signed out of
    every device: the rest of the walk must go on as the right person.
    """
    for role, known in site.clients.items():
        if client is not known:
            continue
        if role == "visitor":
            site.clients[role] = site.app.test_client()
        elif known.get("/fr/account").status_code != 200:  # signed out: sign in again
            site.clients[role] = site.signed_in(role)


# The routes whose plain request, with the walk's values, is refused, and why.
REFUSED_WITHOUT_HOSTILE_INPUT = {
    ("media.variant", "GET"): "a WebP copy's name is made from its picture: none is asked here",
    ("staff_import.upload", "POST"): "no file sent",
    ("staff_learners.delete", "POST"): "the username typed is not Léa's, so that Léa stays",
    ("groups.import_upload", "POST"): "no file sent",
    ("new_lessons.translate", "POST"): "bonjour exists in both languages: nothing to translate",
}


def test_the_walk_reaches_every_route_for_real(site):
    """With the walk's values and a form as its page shows it, every route does its work.

    Otherwise the hostile values would only ever meet a 404 for a lesson, question, card,
    certificate or path that does not exist, and the code behind it would go untested.
    """
    refused = []
    for rule, method in routes(site.app):
        path = build_path(rule, site.values_for(rule.endpoint))
        fields = form_fields(site, rule)[0] if method == "POST" else {}
        with send(site, rule, method, path, form=site.fresh_baseline(rule.endpoint, fields)) as r:
            to_login = urlsplit(r.headers.get("Location", "")).path == "/login"
            if (r.status_code >= 400 or to_login) and (
                rule.endpoint,
                method,
            ) not in REFUSED_WITHOUT_HOSTILE_INPUT:
                refused.append(f"{r.status_code} {method} {path}")
    assert refused == [], "\n".join(refused)


def test_hostile_url_parts_never_break_a_page(site):
    """Every URL argument of every route, replaced by each hostile value."""
    for rule, method in routes(site.app):
        for argument in sorted(rule.arguments):
            for name, value in TEXT.items():
                if not value and argument not in ("filename",):
                    continue  # an empty URL part simply does not match the route
                path = build_path(
                    rule, site.values_for(rule.endpoint), argument, quote(value, safe="")
                )
                before = site.row_counts() if method == "POST" else None
                site.check(send(site, rule, method, path), f"{method} {path[:80]} ({name})", before)
            for name, raw in RAW.items():
                path = build_path(rule, site.values_for(rule.endpoint), argument, "RAW")
                environ = {"PATH_INFO": latin1(path.encode().replace(b"RAW", raw))}
                site.check(
                    send(site, rule, method, path, environ=environ),
                    f"{method} {rule.rule} {argument}={name}",
                )
    assert site.failures == [], "\n".join(site.failures)


def test_hostile_query_arguments_never_break_a_page(site):
    """Every query argument a page reads, and `lang` everywhere, with each hostile value."""
    for rule, method in routes(site.app):
        if rule.endpoint == "auth.logout":
            continue
        path = build_path(rule, site.values_for(rule.endpoint))
        arguments = ["lang", *QUERY_ARGS.get(rule.endpoint, [])]
        for argument in arguments:
            for name, value in TEXT.items():
                site.check(
                    send(
                        site,
                        rule,
                        method,
                        path,
                        query={argument: value},
                        form=site.fresh_baseline(rule.endpoint, {}),
                    ),
                    f"{method} {path}?{argument}= ({name})",
                )
            for name, raw in RAW.items():
                site.check(
                    send(
                        site,
                        rule,
                        method,
                        path,
                        raw_query=argument.encode() + b"=" + raw,
                        form=site.fresh_baseline(rule.endpoint, {}),
                    ),
                    f"{method} {path}?{argument}= ({name})",
                )
    assert site.failures == [], "\n".join(site.failures)
    assert_nothing_stored_is_junk(site.app)


def test_every_query_argument_the_code_reads_is_in_the_corpus():
    from pathlib import Path

    import coursesite

    source = "\n".join(p.read_text() for p in Path(coursesite.__file__).parent.rglob("*.py"))
    read = set(re.findall(r"request\.(?:args|values)\.get\(\"(\w+)\"", source))
    listed = {"lang"} | {arg for args in QUERY_ARGS.values() for arg in args}
    assert read <= listed, "add these query arguments to QUERY_ARGS"


def post_routes(app):
    return [(rule, method) for rule, method in routes(app) if method == "POST"]


def test_every_post_route_has_a_page_showing_its_form(site):
    assert {rule.endpoint for rule, _ in post_routes(site.app)} == set(FORM_PAGES)


def form_fields(site, rule) -> tuple[dict, set]:
    """Return the fields (name: value shown) and file fields of the route's form(s).

    Read once per route and kept: a hostile lesson text saved by the editor would otherwise
    hide the picture forms of the pages read after it.
    """
    if rule.endpoint not in site.form_cache:
        site.form_cache[rule.endpoint] = read_form_fields(site, rule)
    fields, files = site.form_cache[rule.endpoint]
    return dict(fields), set(files)


def read_form_fields(site, rule) -> tuple[dict, set]:
    fields, files = {}, set()
    for template in FORM_PAGES[rule.endpoint]:
        client = site.client_for(rule.endpoint, "POST")
        html = client.get(site.page(template)).get_data(as_text=True)
        for form in forms_of(html):
            action = urlsplit(form["action"]).path or urlsplit(site.page(template)).path
            if form["method"].lower() == "post" and matches(rule, action):
                fields.update({k: v for k, v in form["fields"].items() if k not in fields})
                files |= form["files"]
    assert fields or files or not FORM_PAGES[rule.endpoint], f"no form for {rule.endpoint}"
    fields.pop("csrf_token", None)
    return fields, files


def matches(rule, path: str) -> bool:
    """Tell whether a form's action is this rule's URL."""
    pieces = ARGUMENT.sub("\x00", rule.rule).split("\x00")
    return re.fullmatch("[^/]+".join(re.escape(p) for p in pieces), path) is not None


def test_hostile_form_fields_never_break_a_form_nor_store_junk(site):
    for rule, method in post_routes(site.app):
        fields, files = form_fields(site, rule)
        path = build_path(rule, site.values_for(rule.endpoint))
        for field in sorted(fields):
            for name, value in TEXT.items():
                form = {**site.fresh_baseline(rule.endpoint, fields, field), field: value}
                before = site.row_counts()
                site.check(
                    send(site, rule, method, path, form=form),
                    f"POST {path} {field}= ({name})",
                    before,
                )
            for name, raw in RAW.items():
                form = site.fresh_baseline(rule.endpoint, fields, field)
                form.pop(field, None)
                body = urlencode(form).encode() + b"&" + field.encode() + b"=" + raw
                before = site.row_counts()
                site.check(
                    send(site, rule, method, path, raw_body=body),
                    f"POST {path} {field}= ({name})",
                    before,
                )
        for field in files:
            for name, value in {
                **{k: v.encode("utf-8", "surrogatepass") for k, v in TEXT.items()},
                **RAW,
            }.items():
                form = {field: (io.BytesIO(value), "liste.csv")}
                before = site.row_counts()
                site.check(
                    send(site, rule, method, path, form=form),
                    f"POST {path} {field} file ({name})",
                    before,
                )
                form = {field: (io.BytesIO(b"Marie,,fr\n"), value.decode("latin-1")[:200])}
                site.check(
                    send(site, rule, method, path, form=form),
                    f"POST {path} {field} filename ({name})",
                )
    assert site.failures == [], "\n".join(site.failures)
    assert_nothing_stored_is_junk(site.app)


def test_hostile_answers_of_a_signed_in_learner_store_no_junk(site):
    """The walk answers as a visitor, kept in the browser; a learner's answers are stored."""
    client = site.clients["learner"]
    token = site.token(client)
    for question_id in RIGHT_ANSWERS:
        path = f"/questions/bonjour/{question_id}"
        for field in ("choice", "typed"):
            for name, value in TEXT.items():
                response = client.post(path, data={field: value, "csrf_token": token})
                site.check(response, f"POST {path} {field}= ({name})")
            for name, raw in RAW.items():
                response = client.post(
                    path,
                    data=field.encode() + b"=" + raw + b"&csrf_token=" + token.encode(),
                    content_type="application/x-www-form-urlencoded",
                )
                site.check(response, f"POST {path} {field}= ({name})")
    assert site.failures == [], "\n".join(site.failures)
    assert_nothing_stored_is_junk(site.app)


def junk_in(text: str, field) -> str | None:
    """Return what is wrong with a stored text value, or None."""
    if isinstance(field, CharField) and len(text) > field.max_length:
        return "too long"
    for c in text:
        if c in "\n\t" and isinstance(field, TextField):
            continue
        if unicodedata.category(c) in ("Cc", "Cs") or c == "\ufffd":
            return f"character {ord(c):#x}"
    return None


def assert_nothing_stored_is_junk(app):
    """Every text stored anywhere is within its length and free of control and broken characters."""
    problems = []
    with app_database(app):
        for model in tables.MODELS:
            text_fields = [
                f for f in model._meta.sorted_fields if isinstance(f, (CharField, TextField))
            ]
            for row in model.select():
                for field in text_fields:
                    value = getattr(row, field.name)
                    problem = value is not None and junk_in(str(value), field)
                    if problem:
                        problems.append(
                            f"{model.__name__}.{field.name}: {problem}: {str(value)[:40]!r}"
                        )
        usernames = [u.username for u in User.select()]
    problems += [
        f"username {u!r}" for u in usernames if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,39}", u)
    ]
    assert problems == [], "\n".join(problems)


def test_a_post_without_a_csrf_token_or_with_another_sessions_is_refused(site):
    other = site.app.test_client()
    assert AuthActions(other).login("eve", PASSWORDS["learner"]).status_code == 303
    foreign = site.token(other)
    for rule, method in post_routes(site.app):
        client = site.client_for(rule.endpoint, method)
        path = build_path(rule, site.values_for(rule.endpoint))
        for token in (None, foreign, "forged", "A" * 10_000):
            before = site.row_counts()
            data = {"done": "1", "username": "x", "password": "x"}
            if token is not None:
                data["csrf_token"] = token
            response = client.post(path, data=data)
            assert response.status_code == 400, (path, token and token[:10])
            site.check(response, f"POST {path} csrf={token and token[:10]}", before)
    assert site.failures == [], "\n".join(site.failures)


@pytest.mark.parametrize(
    "path",
    [
        "/fr/lessons/%ff%fe/",
        "/fr/lessons/%ED%A0%80/1",
        "/fr/lessons/bonjour/%ff",
        "/fr/lessons/bonjour/media/%2e%2e%2f%2e%2e%2fsecret_key",
        "/fr/lessons/bonjour/media/..%5c..%5csecret_key",
        "/%ff/",
        "/static/..%2f..%2finstance%2fsecret_key",
        "/media/v/%00",
    ],
)
def test_broken_percent_encoding_and_traversal_in_the_path_answer_404(site, path):
    response = site.clients["visitor"].get(path)
    assert response.status_code == 404
    assert '<html lang="fr"' in response.get_data(as_text=True)


def test_other_peoples_ids_answer_404_not_someone_elses_page(site):
    from coursesite.data.privacy.erasure import anonymise_learner

    with app_database(site.app):
        anonymise_learner(User.get(User.id == site.other.id))
    helper, staff = site.clients["helper"], site.clients["staff"]
    for user_id in (site.helper.id, site.staff.id, site.other.id, 999_999, 2**31, 10**30):
        for path in (
            f"/helper/learners/{user_id}",
            f"/helper/learners/{user_id}/card",
            f"/helper/learners/{user_id}/password",
            f"/helper/session?learner={user_id}",
            f"/helper/code?code=ZZZZ&learner={user_id}",
        ):
            with helper.get(path) as response:
                assert response.status_code == 404, path
        for path in (
            f"/staff/learners/{user_id}",
            f"/staff/learners/{user_id}/export.json",
            f"/staff/learners/{user_id}/delete",
        ):
            with staff.get(path) as response:
                assert response.status_code == 404, path
    token = site.token(helper)
    for path in (
        "/helper/requests/999999/handled",
        "/helper/assignments/999999/slip",
        f"/helper/learners/{site.staff.id}/password",
        f"/helper/learners/{2**40}/card",
    ):
        with helper.post(path, data={"csrf_token": token}) as response:
            assert response.status_code == 404, path


def test_an_english_speaking_account_gets_its_refusals_in_english(site):
    client = site.app.test_client()
    add_user(site.app, "ann", "helper", name="Ann", language="en")
    AuthActions(client).login("ann", PASSWORDS["helper"])
    page = client.get("/helper/learners/999999").get_data(as_text=True)
    assert '<html lang="en"' in page and "We could not find this page" in page
    response = client.post("/helper/requests/1/handled", data={})
    assert response.status_code == 400 and "This form has expired" in response.get_data(
        as_text=True
    )


def test_a_body_larger_than_the_site_accepts_gets_a_french_413(site):
    client = site.clients["staff"]
    for path in ("/login", "/staff/import", "/helper/session"):
        before = site.row_counts()
        response = client.post(path, data={"note": "A" * 3_000_000, "csrf_token": "x"})
        assert response.status_code == 413, path
        site.check(response, f"POST {path} 3 MB", before)
    assert site.failures == [], "\n".join(site.failures)
