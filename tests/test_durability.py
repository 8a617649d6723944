"""Killing the server mid-load loses no acknowledged progress, and doubles none.

A real `coursesite serve` process (two of them on PostgreSQL, sharing one database) takes
"I did this step" from dozens of simulated learners on 127.0.0.1; it is killed with SIGKILL
several times and restarted; every mark that was answered must then be stored exactly once.
Bounded: 24 learners, about 700 marks, 3 kills, at most 90 seconds.
"""

import http.client
import http.cookiejar
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest

from coursesite import services
from tests.conftest import (
    PASSWORDS,
    STARTER_LESSONS,
    add_user,
    app_database,
    database_config,
    free_port,
    make_app,
)

pytestmark = pytest.mark.db

LEARNERS = 24
KILLS = 3
DEADLINE = 90
CSRF = "csrf_token"


class Server:
    """One real `coursesite serve` process that can be killed and started again."""

    def __init__(self, env: dict):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        command = [
            sys.executable,
            "-m",
            "coursesite.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--threads",
            "8",
        ]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the server did not come back within 30 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


class Learner(threading.Thread):
    """A learner who signs in and marks steps done, retrying while the server is down."""

    def __init__(
        self, username: str, servers: list[Server], steps: list[tuple[str, str]], stop_at: float
    ):
        super().__init__(daemon=True)
        self.username, self.servers, self.steps, self.stop_at = username, servers, steps, stop_at
        self.acknowledged: list[tuple[str, str]] = []
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.server_index = 0

    @property
    def base(self) -> str:
        return self.servers[self.server_index % len(self.servers)].url

    def token(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=5) as response:
            page = response.read().decode()
        return page.split(f'name="{CSRF}" value="', 1)[1].split('"', 1)[0]

    def post(self, path: str, data: dict) -> int:
        request = urllib.request.Request(self.base + path, urllib.parse.urlencode(data).encode())
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )
        try:
            with opener.open(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def run(self):
        signed_in = False
        for lesson_id, step_id in self.steps:
            while time.monotonic() < self.stop_at:
                self.server_index += 1  # spread over the servers (two on PostgreSQL)
                try:
                    if not signed_in:
                        data = {
                            CSRF: self.token("/login"),
                            "username": self.username,
                            "password": PASSWORDS["learner"],
                        }
                        signed_in = self.post("/login", data) == 303
                        continue
                    data = {CSRF: self.token("/fr/"), "done": "1"}
                    status = self.post(f"/progress/{lesson_id}/{step_id}?lang=fr", data)
                    if status == 303:
                        self.acknowledged.append((lesson_id, step_id))
                        break
                except (OSError, IndexError, http.client.HTTPException):
                    time.sleep(0.05)  # the server is down or restarting: try again


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def stored_marks(app) -> Counter:
    from coursesite.data.models import StepProgress, User

    with app_database(app):
        rows = StepProgress.select(
            User.username, StepProgress.lesson_id, StepProgress.step_id
        ).join(User)
        return Counter((row.user.username, row.lesson_id, row.step_id) for row in rows)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killing_the_server_mid_load_loses_no_acknowledged_mark(tmp_path, backend):
    if backend == "postgresql" and not os.environ.get("COURSESITE_TEST_POSTGRES"):
        pytest.skip("COURSESITE_TEST_POSTGRES is not set (.ci/run starts PostgreSQL and sets it)")
    config = database_config(backend)
    app = make_app(tmp_path, STARTER_LESSONS, **config)
    for number in range(LEARNERS):
        add_user(app, f"learner{number:02d}")
    catalogue = services.catalogue(app)
    steps = [(lesson.id, step.id) for lesson in catalogue.lessons("fr") for step in lesson.steps]
    env = {
        **os.environ,
        "COURSESITE_INSTANCE": app.instance_path,
        "COURSESITE_LESSONS": app.config["LESSONS"],
    }
    if config:
        env["DATABASE_URL"] = config["DATABASE_URL"]
    servers = [Server(env) for _ in range(2 if backend == "postgresql" else 1)]
    for server in servers:
        server.start()
    stop_at = time.monotonic() + DEADLINE
    learners = [Learner(f"learner{n:02d}", servers, steps, stop_at) for n in range(LEARNERS)]
    try:
        for learner in learners:
            learner.start()
        for _ in range(KILLS):
            time.sleep(1.5)
            for server in servers:
                server.kill()
            time.sleep(0.3)
            for server in servers:
                server.start()
        for learner in learners:
            learner.join(timeout=max(1, stop_at - time.monotonic()))
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.process.terminate()
                server.process.wait(timeout=10)
    acknowledged = Counter(
        (learner.username, *mark) for learner in learners for mark in learner.acknowledged
    )
    assert all(not learner.is_alive() for learner in learners), "learners did not finish in time"
    assert sum(acknowledged.values()) == LEARNERS * len(steps)  # everyone got through everything
    stored = stored_marks(app)
    assert set(acknowledged) <= set(stored), "an acknowledged mark was lost"
    assert max(stored.values()) == 1, "a mark was stored twice"
    assert set(stored) == set(acknowledged)
