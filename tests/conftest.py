"""Shared fixtures: a real app on a temporary SQLite file, its client, and a live server."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from waitress import create_server

from coursesite import create_app

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURE_LESSONS = TESTS / "data" / "lessons"
STARTER_LESSONS = ROOT / "lessons"


def make_app(tmp_path: Path, lessons: Path, **config):
    """Create an app with its own instance folder and a private copy of `lessons`."""
    lesson_copy = tmp_path / "lessons"
    if not lesson_copy.exists():
        shutil.copytree(lessons, lesson_copy)
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "LESSONS": str(lesson_copy),
            "LESSONS_RELOAD_INTERVAL": 0,
            **config,
        }
    )


@pytest.fixture
def app(tmp_path):
    """An app with the small fixture lessons from tests/data/lessons."""
    return make_app(tmp_path, FIXTURE_LESSONS)


@pytest.fixture
def starter_app(tmp_path):
    """An app with the real starter lessons."""
    return make_app(tmp_path, STARTER_LESSONS)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def lessons_dir(app) -> Path:
    """The app's own (temporary) lessons folder, safe to edit."""
    return Path(app.config["LESSONS"])


# Browser tests: a real waitress server and Debian's Chromium, driven by Playwright.

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
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


class LiveServer:
    """A real waitress server on 127.0.0.1 running an app in a background thread."""

    def __init__(self, app):
        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A live server with the starter lessons, shared by the browser tests."""
    app = make_app(tmp_path_factory.mktemp("live"), STARTER_LESSONS)
    server = LiveServer(app)
    yield server
    server.close()
