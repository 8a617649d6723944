"""Killing the server mid-load loses no acknowledged progress, and doubles none; a power cut
loses none either, because a mark is answered only once it is on the disk.

A real `coursesite serve` process (two of them on PostgreSQL, sharing one database) takes
"I did this step" from dozens of simulated learners on 127.0.0.1; it is killed with SIGKILL
several times and restarted; every mark that was answered must then be stored exactly once.
Bounded: 24 learners, about 700 marks, 3 kills, at most 90 seconds.

The kills must land on requests in flight, or the test proves nothing about them: 24
learners post without pause, and the test counts the marks whose connection the kill cut
after the server had accepted it (a reset or an empty answer, not a refused connection) and
requires at least one per kill.

A SIGKILL cannot show what a power cut does: the operating system still writes what SQLite
handed it. What survives a power cut is what was synced to the disk, so the second test runs
the server under strace and checks that before each write is answered (a 303), the WAL file
was synced (fdatasync) since the previous answer. With synchronous=NORMAL or OFF, SQLite
syncs only at checkpoints or never, and that test fails.
"""

import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

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

    def start(self, prefix=()):
        command = [
            *prefix,
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
        self.cut_off = 0  # marks sent to a server that was killed before it answered
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
                    try:
                        with POSTING:
                            status = self.post(f"/progress/{lesson_id}/{step_id}?lang=fr", data)
                    except (OSError, http.client.HTTPException) as error:
                        self.cut_off += was_in_flight(error)
                        raise
                    if status == 303:
                        self.acknowledged.append((lesson_id, step_id))
                        break
                except (OSError, IndexError, http.client.HTTPException):
                    time.sleep(0.05)  # the server is down or restarting: try again


class InFlight:
    """How many marks are being sent right now, by all learners together."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def __enter__(self):
        with self.lock:
            self.count += 1

    def __exit__(self, *exc):
        with self.lock:
            self.count -= 1

    def wait_for_some(self, at_least: int, timeout: float = 5) -> None:
        """Wait until at least this many marks are on their way (so a kill cuts them)."""
        deadline = time.monotonic() + timeout
        while self.count < at_least and time.monotonic() < deadline:
            time.sleep(0.001)


POSTING = InFlight()


def was_in_flight(error: Exception) -> bool:
    """Tell whether a request failed because the server died after accepting it."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, ConnectionRefusedError):
        return False  # nobody was listening: the request never reached a server
    return isinstance(reason, ConnectionResetError | BrokenPipeError | http.client.HTTPException)


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
            POSTING.wait_for_some(4)  # kill while marks are on their way, not between them
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
    cut_off = sum(learner.cut_off for learner in learners)
    assert cut_off >= KILLS * len(servers), f"only {cut_off} marks were in flight at the kills"
    assert sum(acknowledged.values()) == LEARNERS * len(steps)  # everyone got through everything
    stored = stored_marks(app)
    assert set(acknowledged) <= set(stored), "an acknowledged mark was lost"
    assert max(stored.values()) == 1, "a mark was stored twice"
    assert set(stored) == set(acknowledged)


STRACE = shutil.which("strace")
MARKS = 20


@pytest.mark.skipif(STRACE is None, reason="needs strace (apt-get install strace)")
def test_a_mark_is_answered_only_once_it_is_on_the_disk(tmp_path):
    app = make_app(tmp_path, STARTER_LESSONS)
    add_user(app, "erin")
    lesson = services.catalogue(app).lessons("fr")[0]
    env = {
        **os.environ,
        "COURSESITE_INSTANCE": app.instance_path,
        "COURSESITE_LESSONS": app.config["LESSONS"],
    }
    server = Server(env)
    trace = tmp_path / "syscalls.txt"
    # Every sync and every answer sent, by every thread, with the file each sync is for.
    server.start(
        prefix=[STRACE, "-f", "-y", "-qq", "-s", "16", "-o", str(trace)]
        + ["-e", "trace=fsync,fdatasync,sendto,sendmsg,write"]
    )
    try:
        learner = Learner("erin", [server], [], time.monotonic() + 60)
        data = {CSRF: learner.token("/login"), "username": "erin", "password": PASSWORDS["learner"]}
        assert learner.post("/login", data) == 303
        for number in range(MARKS):
            data = {CSRF: learner.token("/fr/"), "done": str((number + 1) % 2)}
            status = learner.post(f"/progress/{lesson.id}/{lesson.steps[0].id}?lang=fr", data)
            assert status == 303
    finally:
        # Stop the server itself (strace's child); strace ends with it, its file complete.
        pid = server.process.pid
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            os.kill(int(child), signal.SIGINT)
        server.process.wait(timeout=20)
    events = trace_events(trace.read_text(errors="replace"))
    answers = [i for i, event in enumerate(events) if event in ("303", "answer")]
    writes = [i for i in answers if events[i] == "303"]
    assert len(writes) == MARKS + 1  # the sign-in and every mark
    for index in writes:
        previous = max((i for i in answers if i < index), default=-1)
        assert "sync" in events[previous + 1 : index], (
            "a write was answered before its sync",
            events,
        )


SYNC_DONE = re.compile(r"^(\d+) +f(?:data)?sync\(\d+<[^>]*coursesite\.db-wal>\) += 0")
SYNC_BEGUN = re.compile(r"^(\d+) +f(?:data)?sync\(\d+<[^>]*coursesite\.db-wal> <unfinished")
SYNC_RESUMED = re.compile(r"^(\d+) +<\.\.\. f(?:data)?sync resumed>\) += 0")


def trace_events(trace: str) -> list[str]:
    """Return the syncs of the database's WAL that returned, and the answers sent, in the
    order strace saw them. A sync during another thread's traced call is cut in two lines
    ("<unfinished ...>", then "<... fdatasync resumed>" from the same thread): it counts
    once it has returned."""
    events, begun = [], set()
    for line in trace.splitlines():
        if match := SYNC_DONE.match(line):
            events.append("sync")
        elif match := SYNC_BEGUN.match(line):
            begun.add(match[1])
        elif (match := SYNC_RESUMED.match(line)) and match[1] in begun:
            begun.discard(match[1])
            events.append("sync")
        elif '"HTTP/1.1 303' in line:
            events.append("303")
        elif '"HTTP/1.1 ' in line:
            events.append("answer")
    return events


def test_a_sync_cut_by_another_thread_counts_once_it_has_returned():
    wal = "14</srv/instance/coursesite.db-wal>"
    trace = "\n".join(
        [
            f"1102  fdatasync({wal} <unfinished ...>",
            '1098  sendto(11<socket:[1]>, "HTTP/1.1 200 OK\\r"..., 582, 0, NULL, 0) = 582',
            "1102  <... fdatasync resumed>) = 0",
            '1102  sendto(9<socket:[2]>, "HTTP/1.1 303 SEE"..., 636, 0, NULL, 0) = 636',
            f"1102  fdatasync({wal}) = 0",
            f"1103  fdatasync({wal} <unfinished ...>",  # never returned: not on the disk
            '1102  sendto(9<socket:[3]>, "HTTP/1.1 303 SEE"..., 636, 0, NULL, 0) = 636',
            "1099  <... fdatasync resumed>) = 0",  # another thread's: not this sync
        ]
    )
    assert trace_events(trace) == ["answer", "sync", "303", "sync", "303"]
