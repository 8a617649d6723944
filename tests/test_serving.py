"""How the site is served (web/serving.py), on a real waitress server: a quick page is
answered by the event loop itself, everything else by a worker thread, and nothing of one
request is left for the next."""

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask, g
from waitress import create_server
from waitress.server import MultiSocketServer

from coursesite.web.quick_pages import KNOWN_PATHS_AT_MOST, QuickRequests, quick_page
from coursesite.web.serving import (
    QuickFirst,
    answer_quick_pages_on_the_loop,
    listeners,
    make_server,
    stop_server,
)
from coursesite.web.worker_threads import WorkerThreads
from tests.conftest import answer_text

WAIT_S = 10  # far beyond anything here: a request that waits this long has been left behind
LOOP = "the-event-loop"
CHUNK = b"x" * 16384
LARGE_CHUNKS = 512


def small_app() -> Flask:
    app = Flask(__name__)
    app.let_go = threading.Event()
    app.slow_began = threading.Event()

    @app.get("/quick")
    @quick_page
    def quick():
        # What a request leaves in `g` must never be seen by the next one.
        seen = getattr(g, "left_by_an_earlier_request", "nothing")
        g.left_by_an_earlier_request = "something"
        return f"{threading.current_thread().name} saw {seen}"

    @app.post("/quick")
    def quick_post():
        return threading.current_thread().name

    @app.get("/not-marked")
    def not_marked():
        return threading.current_thread().name

    @app.post("/slow")
    def slow():
        app.slow_began.set()
        app.let_go.wait(WAIT_S)
        return threading.current_thread().name

    @app.get("/large")
    @quick_page
    def large():
        return app.response_class((CHUNK for _ in range(LARGE_CHUNKS)), mimetype="text/plain")

    return app


@pytest.fixture
def served():
    """The small app served as coursesite serve serves the site: the event loop's thread
    inside an app context, as the command line's is."""
    app = small_app()
    # A low watermark: past it a worker waits for the loop to send what it wrote.
    server = make_server(app, host="127.0.0.1", port=0, threads=2, outbuf_high_watermark=65536)

    def run():
        with app.app_context():
            server.run()

    thread = threading.Thread(target=run, name=LOOP, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.effective_port}"
    app.let_go.set()
    stop_server(server)
    thread.join(WAIT_S)
    assert not thread.is_alive()


def get(url: str, data: bytes | None = None) -> str:
    return answer_text(url, data, timeout=WAIT_S)


def test_a_quick_page_is_answered_by_the_loop_and_anything_else_by_a_worker(served):
    _, url = served
    assert get(url + "/quick").startswith(f"{LOOP} saw")
    assert get(url + "/not-marked").startswith("waitress-")
    assert get(url + "/quick", data=b"a=1").startswith("waitress-")  # the same path, a POST


def test_nothing_a_request_leaves_is_seen_by_the_next(served):
    # The loop's thread holds an app context: Flask would reuse it, and its `g`, for every
    # request answered there.
    _, url = served
    answers = [get(url + "/quick") for _ in range(5)]
    assert answers == [f"{LOOP} saw nothing"] * 5


def test_quick_pages_are_answered_while_a_worker_is_held(served):
    app, url = served
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(get, url + "/slow", b"a=1")
        assert app.slow_began.wait(WAIT_S)
        started = time.monotonic()
        for _ in range(20):
            assert get(url + "/quick").startswith(LOOP)
        assert time.monotonic() - started < WAIT_S / 2
        assert not slow.done()  # all answered while the worker was still held
        app.let_go.set()
        assert slow.result(WAIT_S).startswith("waitress-")


def test_a_large_answer_made_on_the_loop_is_sent_whole_to_a_slow_reader(served):
    # 8 MB written on the loop for a client that waits before reading: far past the
    # watermark, where a worker would wait for the loop to send; the loop cannot wait for
    # itself.
    _, url = served
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.settimeout(WAIT_S)
        connection.connect(("127.0.0.1", port))
        connection.sendall(b"GET /large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        time.sleep(0.5)
        received = bytearray()
        while not received.endswith(b"\r\n0\r\n\r\n"):  # the last chunk
            chunk = connection.recv(1 << 20)
            assert chunk, len(received)
            received += chunk
    assert received.count(CHUNK) == LARGE_CHUNKS
    assert get(url + "/quick").startswith(LOOP)  # and the loop goes on


def test_requests_sent_together_are_answered_in_order(served):
    _, url = served
    port = int(url.rsplit(":", 1)[1])
    paths = ["/quick", "/not-marked", "/quick"]
    sent = "".join(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" for path in paths)
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as connection:
        connection.sendall(sent.encode())
        received = b""
        while received.count(b"HTTP/1.1 200") < 3 or not received.endswith(b"nothing"):
            chunk = connection.recv(65536)
            assert chunk, received
            received += chunk
    bodies = [part.split(b"\r\n\r\n", 1)[1].decode() for part in received.split(b"HTTP/1.1 ")[1:]]
    assert bodies[0] == f"{LOOP} saw nothing"
    assert bodies[1].startswith("waitress-") and "saw" not in bodies[1]
    # Queued behind a worker's request, the last one is answered by that worker.
    assert bodies[2] == f"{bodies[1]} saw nothing"


def test_a_host_with_several_addresses_has_its_pages_answered_on_the_loop_at_each():
    # As `--host localhost` gives on a machine with IPv4 and IPv6: one socket an address.
    app = small_app()
    server = create_server(
        app,
        listen="127.0.0.1:0 127.0.0.1:0",
        _dispatcher=QuickFirst(WorkerThreads(2), QuickRequests(app)),
    )
    assert isinstance(server, MultiSocketServer)
    answer_quick_pages_on_the_loop(server)
    thread = threading.Thread(target=server.run, name=LOOP, daemon=True)
    thread.start()
    try:
        ports = [listener.effective_port for listener in listeners(server)]
        assert len(set(ports)) == 2
        for port in ports:
            assert get(f"http://127.0.0.1:{port}/quick").startswith(LOOP)
            assert get(f"http://127.0.0.1:{port}/not-marked").startswith("waitress-")
    finally:
        stop_server(server)
        thread.join(WAIT_S)
    assert not thread.is_alive()


def test_the_site_answers_on_the_loop_only_pages_that_read(app):
    is_quick = QuickRequests(app)
    for path in [
        "/",
        "/fr/",
        "/fr/topics/courriel",
        "/fr/lessons/some-lesson/",
        "/fr/lessons/some-lesson/3",
        "/en/lessons/some-lesson/end",
        "/fr/help",
        "/static/css/site.css",
    ]:
        assert is_quick("GET", path), path
        assert is_quick("HEAD", path), path
        assert not is_quick("POST", path), path
    # Search (it waits on the full-text index), pictures (a first copy is made on request),
    # accounts, helpers, staff, made-up paths, and anything that is not a GET: on the
    # worker threads.
    for path in [
        "/en/search",
        "/fr/lessons/some-lesson/3/picture/1",
        "/media/v/abc.png",
        "/fr/account",
        "/login",
        "/helper/",
        "/staff/lessons",
        "/staff/learners/1/export.json",
        "/healthz",
        "/xx/lessons/some-lesson/3",
        "/nowhere",
    ]:
        assert not is_quick("GET", path), path
    for rule in app.url_map.iter_rules():
        if rule.methods - {"GET", "HEAD", "OPTIONS"}:
            path = rule.rule.replace("<lang:lang>", "fr")
            for name in rule.arguments - {"lang"}:
                path = path.replace(f"<int:{name}>", "1").replace(f"<{name}>", "x")
            assert not is_quick("POST", path), rule.rule


def test_the_paths_kept_are_bounded(app):
    is_quick = QuickRequests(app)
    for number in range(KNOWN_PATHS_AT_MOST + 10):
        assert is_quick("GET", f"/fr/lessons/lesson-{number}/1")
    assert len(is_quick.known) <= KNOWN_PATHS_AT_MOST
