"""Where a page's time goes, without a server: the WSGI application called directly.

Usage: .venv/bin/python benchmarks/in_process.py [--lessons DIR] [--requests 3000]

For the ceiling (bare Flask), the floor (floor_app.py: the site's request handling around a
view that does nothing) and the step page run.py measures, each for a visitor without a
cookie and a signed-in learner: the CPU time of one request (the best of three rounds), then
how much of it each part of Flask's handling took (the view, each before- and after-request
hook, the session, the request context). Under wrk, waitress adds its own work to each
request; this is the part the site's code decides.

A learner's step page is filled once for everyone in the same state (steps done, questions
answered right: web/same_state_pages.py), and wrk's learner, asking for the same step again
and again, always finds it made. "step, learner, first in their state" is what it costs the
first learner to open a step in a state: the pages kept for a state are forgotten before each
of its requests.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from learner import PASSWORD, USER_AGENT  # noqa: E402
from run import STEP  # noqa: E402

ROUNDS = 3


def environ(path: str, cookie: str | None) -> dict:
    """A GET as wrk sends it (load.lua's headers), for the WSGI application."""
    found = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": USER_AGENT,
        "HTTP_ACCEPT": "text/html",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd",
    }
    if cookie:
        found["HTTP_COOKIE"] = cookie
    return found


def get(app, path: str, cookie: str | None = None) -> tuple[str, bytes]:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    body = b"".join(app(environ(path, cookie), start_response))
    return answer["status"], body


def cost_us(app, path: str, cookie: str | None, requests: int) -> float:
    """Return the CPU time of one request, in µs: the best of ROUNDS rounds."""
    status, _ = get(app, path, cookie)
    if not status.startswith("200"):
        sys.exit(f"{path}: {status}")
    for _ in range(requests // 10):
        get(app, path, cookie)
    best = float("inf")
    for _ in range(ROUNDS):
        began = time.process_time()
        for _ in range(requests):
            get(app, path, cookie)
        best = min(best, (time.process_time() - began) / requests * 1e6)
    return best


def timed(spent: dict, label: str, function):
    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - began

    return wrapper


def parts_us(app, path: str, cookie: str | None, requests: int) -> dict[str, float]:
    """Return the time each part of Flask's handling took in one request, in µs."""
    import flask
    import flask.ctx

    spent: dict[str, float] = {}
    saved = []

    def wrap(owner, name, label):
        saved.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, timed(spent, label, owner.__dict__[name]))

    wrap(flask.Flask, "dispatch_request", "the view")
    wrap(flask.Flask, "request_context", "request context made")
    wrap(flask.ctx.RequestContext, "push", "request context pushed (session opened)")
    wrap(flask.ctx.RequestContext, "pop", "request context popped")
    interface = type(app.session_interface)
    owner = next(c for c in interface.__mro__ if "save_session" in c.__dict__)
    wrap(owner, "save_session", "session saved (its cookie)")
    hooks = [("before", app.before_request_funcs), ("after", app.after_request_funcs)]
    for when, functions in hooks:
        kept = list(functions.get(None, []))
        saved.append((functions, None, kept))
        functions[None] = [timed(spent, f"{when}: {f.__name__}", f) for f in kept]
    try:
        for _ in range(requests // 10):
            get(app, path, cookie)
        spent.clear()
        for _ in range(requests):
            get(app, path, cookie)
    finally:
        for owner, name, original in saved:
            if name is None:
                owner[None] = original
            else:
                setattr(owner, name, original)
    return {label: seconds / requests * 1e6 for label, seconds in spent.items()}


def first_in_state(app):
    """The site, the pages it keeps for a state forgotten before each request."""
    store = app.jinja_env.kept_pages
    kept = store.get

    def forgetting_states(key, name):
        return None if isinstance(name, tuple) and name[0] == "state" else kept(key, name)

    def wsgi(environ, start_response):
        store.get = forgetting_states
        try:
            return app(environ, start_response)
        finally:
            del store.get  # the store's own again

    return wsgi


def sign_in(app) -> str:
    """Create a learner and sign them in; return their Cookie header."""
    from coursesite.accounts.users import create_user
    from coursesite.data.database import database

    with app.app_context(), database.connection_context():
        create_user("bench.learner", "learner", None, PASSWORD)
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": token, "username": "bench.learner", "password": PASSWORD}
    client.post("/login", data=data)
    client.get("/fr/")  # as learner.py: the browser keeps the language cookie, as a learner's does
    return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=Path, default=HERE.parent / "lessons")
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    os.environ["COURSESITE_INSTANCE"] = tempfile.mkdtemp(prefix="coursesite-in-process-")
    os.environ["COURSESITE_LESSONS"] = str(args.lessons.resolve())
    os.environ.pop("DATABASE_URL", None)
    import ceiling_app
    from floor_app import floor_app

    app = floor_app(STEP)  # the site (create_app makes the database) with /fr/floor
    cookie = sign_in(app)
    pages = [
        ("ceiling", ceiling_app.app, "/", None),
        ("floor, visitor", app, "/fr/floor", None),
        ("floor, learner", app, "/fr/floor", cookie),
        ("step, visitor", app, STEP, None),
        ("step, learner", app, STEP, cookie),
        ("step, learner, first in their state", first_in_state(app), STEP, cookie),
    ]
    costs = {name: cost_us(wsgi, path, who, args.requests) for name, wsgi, path, who in pages}
    ceiling = costs["ceiling"]
    print(f"{args.requests} requests × {ROUNDS} rounds, the best round; {STEP}\n")
    print("| page | µs a request | ceiling ÷ page |\n|---|---:|---:|")
    for name, cost in costs.items():
        print(f"| {name} | {cost:.0f} | {ceiling / cost:.2f} |")
    split = {
        name: parts_us(wsgi, path, who, args.requests)
        for name, wsgi, path, who in pages[1:]
        if wsgi is app
    }
    labels = sorted({label for parts in split.values() for label in parts})
    labels.sort(key=lambda label: -max(parts.get(label, 0) for parts in split.values()))
    print("\n| part (µs a request) | " + " | ".join(split) + " |")
    print("|---|" + "---:|" * len(split))
    for label in labels:
        cells = " | ".join(f"{parts.get(label, 0):.1f}" for parts in split.values())
        print(f"| {label} | {cells} |")


if __name__ == "__main__":
    main()
