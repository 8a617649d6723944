"""The server's worker threads (web/worker_threads.py), on a real waitress server: one thread
runs the requests, another starts while a slow request holds it, and goes again after."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from coursesite.web import worker_threads
from coursesite.web.serving import make_server, stop_server
from tests.conftest import answer_text

WAIT_S = 10  # far beyond anything here; a request that waits this long has been left behind


class SlowAndQuick:
    """A WSGI app: /slow holds its thread until let go, /quick answers the thread's name."""

    def __init__(self):
        self.let_go = threading.Event()
        self.slow_began = threading.Semaphore(0)
        self.counting = threading.Lock()
        self.running = self.most_at_once = 0

    def __call__(self, environ, start_response):
        with self.counting:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if environ["PATH_INFO"] == "/slow":
                self.slow_began.release()
                self.let_go.wait(WAIT_S)
            else:
                time.sleep(0.001)  # a page's worth: long enough for requests to queue
        finally:
            with self.counting:
                self.running -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [threading.current_thread().name.encode()]


@pytest.fixture
def served():
    app = SlowAndQuick()
    server = make_server(app, host="127.0.0.1", port=0, threads=3)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    yield app, url, server.task_dispatcher.workers  # none of these requests is a quick page
    app.let_go.set()
    stop_server(server)
    thread.join(WAIT_S)
    assert not thread.is_alive()


def get(url: str) -> str:
    return answer_text(url, timeout=WAIT_S)


def workers_once_quiet(dispatcher) -> set[int]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        with dispatcher.lock:
            if not dispatcher.began and len(dispatcher.workers) == 1:
                break
        time.sleep(0.01)
    with dispatcher.lock:
        return set(dispatcher.workers)


def test_quick_requests_at_once_run_one_after_the_other(served, monkeypatch):
    app, url, dispatcher = served
    started = []
    start_worker = dispatcher._start_worker
    monkeypatch.setattr(dispatcher, "_start_worker", lambda: started.append(start_worker()))
    with ThreadPoolExecutor(8) as pool:
        names = list(pool.map(lambda _: get(url + "/quick"), range(64)))
    assert len(names) == 64
    # None of them held a thread for HELD_AFTER_S: one ran at a time (two, if a machine busy
    # with other work stalled one that long), where waitress's own threads run three at once.
    assert app.most_at_once <= 2
    assert len(started) <= 1  # the watcher looked some 12 times while requests waited
    assert len(workers_once_quiet(dispatcher)) == 1


def test_a_page_is_answered_while_a_slow_request_holds_the_first_thread(served):
    app, url, dispatcher = served
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(get, url + "/slow")
        assert app.slow_began.acquire(timeout=WAIT_S)
        started = time.monotonic()
        quick = get(url + "/quick")
        # Answered by another thread, within a few looks of the watcher.
        assert quick != "waitress-0"
        assert time.monotonic() - started < WAIT_S / 2
        app.let_go.set()
        assert slow.result(WAIT_S) == "waitress-0"
    # Once the slow request is done, the extra thread goes.
    assert len(workers_once_quiet(dispatcher)) == 1


def test_no_more_threads_than_asked_for(served):
    app, url, dispatcher = served
    with ThreadPoolExecutor(4) as pool:
        slow = [pool.submit(get, url + "/slow") for _ in range(3)]
        for _ in slow:
            assert app.slow_began.acquire(timeout=WAIT_S)  # three threads, each held
        waiting = pool.submit(get, url + "/quick")
        time.sleep(20 * worker_threads.LOOK_EVERY_S)
        assert not waiting.done()  # no fourth thread
        with dispatcher.lock:
            assert len(dispatcher.workers) == 3
        app.let_go.set()
        assert waiting.result(WAIT_S).startswith("waitress-")
        assert [request.result(WAIT_S) for request in slow]
    assert len(workers_once_quiet(dispatcher)) == 1


def test_a_request_that_fails_leaves_its_thread_working(served, caplog):
    _, url, dispatcher = served

    class Broken:
        def service(self):
            raise RuntimeError("broken task")

        def cancel(self):
            pass

    dispatcher.add_task(Broken())
    assert get(url + "/quick") == "waitress-0"
    assert "broken task" in caplog.text


def test_closing_stops_every_thread_and_cancels_what_waits():
    app = SlowAndQuick()
    dispatcher = worker_threads.WorkerThreads(2)
    cancelled = threading.Event()

    class Waiting:
        def service(self):
            raise AssertionError("served after closing")

        def cancel(self):
            cancelled.set()

    class Slow:
        def service(self):
            app.slow_began.release()
            app.let_go.wait(WAIT_S)

        def cancel(self):
            pass

    dispatcher.add_task(Slow())
    assert app.slow_began.acquire(timeout=WAIT_S)
    app.let_go.set()
    assert dispatcher.shutdown(timeout=WAIT_S)
    dispatcher.add_task(Waiting())
    assert cancelled.is_set()
    with dispatcher.lock:
        assert not dispatcher.workers
