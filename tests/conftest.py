"""Shared fixtures: a real app on a temporary SQLite file, its client, and a live server.

With COURSESITE_TEST_POSTGRES=postgresql://… (set by .ci/run, which starts a real server),
every test marked `db` runs a second time against PostgreSQL, on a freshly emptied schema.
"""

import os
import re
import shutil
import socket
import threading
import urllib.request
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from werkzeug.security import generate_password_hash

from coursesite import create_app, services
from coursesite.cli import main as coursesite_command
from coursesite.web.serving import make_server, stop_server

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURE_LESSONS = TESTS / "data" / "lessons"
STARTER_LESSONS = ROOT / "lessons"


def make_app(tmp_path: Path, lessons: Path, **config):
    """Create an app with its own instance folder and a private copy of `lessons`."""
    lesson_copy = tmp_path / "lessons"
    if not lesson_copy.exists():
        shutil.copytree(lessons, lesson_copy)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "LESSONS": str(lesson_copy),
            "LESSONS_RELOAD_INTERVAL": 0,
            **config,
        }
    )
    app.test_cli_runner_class = CommandRunner
    return app


POSTGRES_URL = os.environ.get("COURSESITE_TEST_POSTGRES")


def pytest_generate_tests(metafunc):
    """Run database-facing tests (marked `db`) on PostgreSQL too, when a server is given."""
    if (
        POSTGRES_URL
        and "database_backend" in metafunc.fixturenames
        and metafunc.definition.get_closest_marker("db")
    ):
        metafunc.parametrize("database_backend", ["sqlite", "postgresql"])


@pytest.fixture
def database_backend(request):
    return getattr(request, "param", "sqlite")


def empty_postgres_database(url: str) -> None:
    """Drop every table of the test PostgreSQL database: each test starts from nothing."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def database_config(backend: str) -> dict:
    if backend == "postgresql":
        empty_postgres_database(POSTGRES_URL)
        return {"DATABASE_URL": POSTGRES_URL}
    return {}


@pytest.fixture
def app(tmp_path, database_backend):
    """An app with the small fixture lessons from tests/data/lessons."""
    app = make_app(tmp_path, FIXTURE_LESSONS, **database_config(database_backend))
    yield app
    # Its watches on the lessons folder: freed now, not whenever the app's cycles are collected
    # (a user may hold only 128 inotify queues in all: /proc/sys/fs/inotify/max_user_instances).
    services.catalogue(app).close()
    if database_backend == "postgresql":
        services.database(app).close()


@pytest.fixture
def starter_app(tmp_path):
    """An app with the real starter lessons."""
    app = make_app(tmp_path, STARTER_LESSONS)
    yield app
    services.catalogue(app).close()


@pytest.fixture
def client(app):
    return app.test_client()


class CommandRunner(FlaskCliRunner):
    """Run the `coursesite` command (the real group) against the test app."""

    def invoke(self, cli=None, args=None, **kwargs):
        return super().invoke(cli or coursesite_command, args, **kwargs)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def lessons_dir(app) -> Path:
    """The app's own (temporary) lessons folder, safe to edit."""
    return Path(app.config["LESSONS"])


# A catalogue without an app: its lessons folder and the folder of its published versions.


@pytest.fixture
def lessons_copy(tmp_path) -> Path:
    """A copy of the fixture lessons, safe to edit, for a catalogue built without an app."""
    shutil.copytree(FIXTURE_LESSONS, tmp_path / "lessons")
    return tmp_path / "lessons"


@pytest.fixture
def published_dir(tmp_path) -> Path:
    """Where that catalogue keeps the last good versions (not made yet), as in an instance."""
    return tmp_path / "instance" / "published-lessons"


def write_later(path: Path, text: str) -> None:
    """Write text (making the folder) and move the file's time forward, as a later save would."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


# Accounts: factories, and AuthActions that sign in through the real form (CSRF and all).

PASSWORDS = {"learner": "piano47", "helper": "helper-pass-47", "staff": "staff-pass-47"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    match = CSRF_FIELD.search(html)
    assert match, "no form with a CSRF token on this page"
    return match.group(1)


@contextmanager
def app_database(app):
    """Run database code for `app` outside a request (its app context, its database)."""
    from coursesite.data.database import database

    with app.app_context():
        database.initialize(services.database(app))
        with database.connection_context():
            yield


# Real scrypt, cheap parameters: werkzeug's default (scrypt:32768:8:1) costs about 0.1 s a
# hash, and the suite creates and signs in hundreds of accounts. A test marked
# `real_password_hashing` keeps the real parameters (tests/test_models.py checks them).
CHEAP_PASSWORD_HASH = "scrypt:1024:8:1"


@pytest.fixture(autouse=True)
def cheap_password_hashes(request, monkeypatch):
    if request.node.get_closest_marker("real_password_hashing"):
        return
    from coursesite.accounts import users

    monkeypatch.setattr(
        users,
        "generate_password_hash",
        partial(generate_password_hash, method=CHEAP_PASSWORD_HASH),
    )


def add_user(app, username, role="learner", password=None, **fields):
    """Create an account in the app's database and return it (password: PASSWORDS[role])."""
    from coursesite.accounts.users import create_user

    with app_database(app):
        user, _ = create_user(
            username, role, fields.pop("name", None), password or PASSWORDS[role], **fields
        )
    return user


@pytest.fixture
def make_learner(app):
    return lambda username="carole", password=None, **fields: add_user(
        app, username, "learner", password, **fields
    )


@pytest.fixture
def make_helper(app):
    return lambda username="richard", password=None, **fields: add_user(
        app, username, "helper", password, **fields
    )


@pytest.fixture
def make_staff(app):
    return lambda username="sophie", password=None, **fields: add_user(
        app, username, "staff", password, **fields
    )


class AuthActions:
    """Sign in and out like a person would, through the forms."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path="/login") -> str:
        return csrf_token_from(self.client.get(path).get_data(as_text=True))

    def login(self, username="carole", password=None, remember=False, **fields):
        data = {
            "csrf_token": self.csrf_token(),
            "username": username,
            "password": password or PASSWORDS["learner"],
            **fields,
        }
        if remember:
            data["remember"] = "1"
        return self.client.post("/login", data=data)

    def open_card(self, token: str):
        """Open a card's link as a phone camera would, then tap "Continue" (one scan, one tap)."""
        page = self.client.get(f"/s/{token}")
        if page.status_code != 200:
            return page
        return self.client.post(
            f"/s/{token}", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
        )

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf_token("/fr/")})


@pytest.fixture
def auth(client):
    return AuthActions(client)


# Browser tests: a real waitress server and Debian's Chromium, driven by Playwright.

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM:
        if os.environ.get("COURSESITE_SKIP_BROWSER") == "1":
            pytest.skip("COURSESITE_SKIP_BROWSER=1: browser tests skipped on purpose")
        pytest.fail(
            "Browser tests need Chromium: run `make test` (installs Debian's chromium as root) "
            "or set CHROMIUM=/path/to/chromium. Set COURSESITE_SKIP_BROWSER=1 to skip them."
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now, for a server started in another process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answer_text(url: str, data: bytes | None = None, timeout: float = 10) -> str:
    """GET url (POST data, if given) from a live server; return the answer's text."""
    with urllib.request.urlopen(url, data=data, timeout=timeout) as answer:
        return answer.read().decode()


class LiveServer:
    """A real waitress server on 127.0.0.1 running an app in a background thread."""

    def __init__(self, app):
        self.app = app
        # Served as `coursesite serve` serves the site.
        self.server = make_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        stop_server(self.server)
        self.thread.join(10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A live server with the starter lessons, shared by the browser tests."""
    app = make_app(tmp_path_factory.mktemp("live"), STARTER_LESSONS)
    server = LiveServer(app)
    yield server
    server.close()
