"""Sign a learner in for the load benchmarks: a session cookie and its CSRF token."""

import http.cookiejar
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
