"""Prepare the "mark a step done" load: a signed-in learner, a session cookie, a CSRF token."""

import http.cookiejar
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
COURSESITE = HERE.parent / ".venv" / "bin" / "coursesite"
LESSON, STEP = "creer-adresse-courriel", "open-browser"
PASSWORD = "bench-piano-47"
LUA = """-- Alternate "done" and "not done" so that every request really writes.
local token = "{token}"
local n = 0
request = function()
  n = n + 1
  local body = "csrf_token=" .. token .. "&done=" .. (n % 2)
  return wrk.format("POST", "{path}", {{
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "{cookie}",
    ["Accept"] = "text/html",
  }}, body)
end
"""


def prepare_mark_done(
    base: str, env: dict, instance: Path, lesson: str = LESSON, step: str = STEP
) -> dict:
    """Create and sign in a learner; return {"url", "script"} for wrk."""
    subprocess.run(
        [
            str(COURSESITE),
            "create-user",
            "bench.learner",
            "--role",
            "learner",
            "--password",
            PASSWORD,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def token(path):
        with opener.open(base + path) as response:
            page = response.read().decode()
        return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    data = {"csrf_token": token("/login"), "username": "bench.learner", "password": PASSWORD}
    opener.open(
        urllib.request.Request(base + "/login", urllib.parse.urlencode(data).encode())
    ).close()
    csrf = token("/fr/")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    path = f"/progress/{lesson}/{step}?lang=fr"
    script = instance / "mark_done.lua"
    script.write_text(LUA.format(token=urllib.parse.quote(csrf), path=path, cookie=cookie))
    return {"url": base + path, "script": script}
