"""Sign a learner in for the load benchmarks: a session cookie and its CSRF token."""

import datetime as dt
import http.cookiejar
import sqlite3
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

LESSON, STEP = "creer-adresse-courriel", "open-browser"
USER_AGENT = "coursesite-benchmark"  # the same as load.lua's: one browser, as a learner has
PASSWORD = "bench-piano-47"


def sign_in_learner(base: str, env: dict, bin_dir: Path, username: str = "bench.learner") -> dict:
    """Create a learner and sign them in at base; return {"cookie", "csrf"} for wrk."""
    subprocess.run(
        [
            str(bin_dir / "coursesite"),
            "create-user",
            username,
            "--role",
            "learner",
            "--password",
            PASSWORD,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    opener, jar = sign_in(base, username)
    csrf = csrf_token(opener, base + "/fr/")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return {"cookie": cookie, "csrf": urllib.parse.quote(csrf)}


def add_history(env: dict, username: str, steps: int = 400) -> None:
    """Give a learner `steps` steps done, 8 to a lesson, in lessons other than the measured
    one: a learner well along, whose history the pages must not read whole (SQLite only)."""
    path = f"{env['COURSESITE_INSTANCE']}/coursesite.db"
    with sqlite3.connect(path) as database:
        (user_id,) = database.execute(
            "SELECT id FROM user WHERE username = ?", (username,)
        ).fetchone()
        start = dt.datetime(2026, 9, 1)
        database.executemany(
            "INSERT INTO stepprogress (user_id, lesson_id, step_id, done_at) VALUES (?, ?, ?, ?)",
            [
                (
                    user_id,
                    f"earlier-lesson-{n // 8}",
                    f"step-{n % 8}",
                    str(start + dt.timedelta(hours=n)),
                )
                for n in range(steps)
            ],
        )
    database.close()


def sign_in(base: str, username: str = "bench.learner"):
    """Sign username in from a new browser; return its opener and cookie jar."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    token = csrf_token(opener, base + "/login")
    data = {"csrf_token": token, "username": username, "password": PASSWORD}
    opener.open(
        urllib.request.Request(base + "/login", urllib.parse.urlencode(data).encode())
    ).close()
    return opener, jar


def csrf_token(opener, url: str) -> str:
    """Return the first form's CSRF token on the page at url."""
    with opener.open(url) as response:
        page = response.read().decode()
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def mark_done_path(lesson: str = LESSON, step: str = STEP) -> str:
    """Return the path that marks a step done (or not) for the signed-in learner."""
    return f"/progress/{lesson}/{step}?lang=fr"
