"""Waitress's worker threads, run so that pages do not fight over the interpreter.

Python runs one thread at a time. Waitress's own dispatcher lets its four threads all take
requests at once; each then hands the interpreter to another at every database call,
compression or file look-up, and on two cores or more each hand-over wakes a thread on the
other core. Measured at 16 connections on two cores, a step page cost 29 (visitor) to 55
(learner) context switches and 220–440 µs of system time, against about 2 and 60 µs with
the server on one core. One thread taking the requests one after the other avoids it, but
then one slow request (a sign-in's password hash, 64 ms; a screenshot's first copy; a long
export) holds every page behind it: with a sign-in every 200 ms, a step page's p99 went
from 25 to 84 ms.

So one worker runs the requests one after the other, and a watcher starts another only
while every worker is held: on the same request for more than HELD_AFTER_S, with requests
waiting. A worker goes again as soon as the others are not held. Measured the same way:
a visitor's step page 1,416 → 1,941 a second, a learner's 845 → 1,173, p99 17 → 11 ms and
26 → 17 ms; with the sign-ins, 25 % more pages at a p99 of 26–28 ms instead of 24–26
(benchmarks/RESULTS.md, ninth session; benchmarks/held_requests.py).

Since the tenth session the pages learners read are answered by waitress's event loop
itself (web/serving.py); these threads answer everything else: sign-ins, saves, uploads,
exports, pictures, the helpers' and staff's pages.
"""

import logging
import threading
import time
from collections import deque

log = logging.getLogger("waitress")  # where waitress's own dispatcher reports a task's failure

# A page takes 0.3–3 ms: a request still running after 10 ms waits on something slow, or is
# long work (an export) that the pages should not queue behind.
HELD_AFTER_S = 0.010
LOOK_EVERY_S = 0.005


class WorkerThreads:
    """A task dispatcher for waitress: one worker, and more, up to `most`, only while every
    running one is held by a slow request."""

    def __init__(self, most: int):
        self.most = max(1, most)
        self.lock = threading.Lock()
        self.task_waiting = threading.Condition(self.lock)
        self.watcher_woken = threading.Condition(self.lock)
        self.worker_gone = threading.Condition(self.lock)
        self.queue = deque()
        self.workers: set[int] = set()
        self.began: dict[int, float] = {}  # worker -> when its current request began
        self.closing = False
        self.watcher_asleep = False
        self.threads: list[threading.Thread] = []  # every one started: joined at shutdown
        with self.lock:
            self._start_worker()
            self._start(self._watch, "waitress-watcher")

    # The two methods waitress calls.

    def add_task(self, task) -> None:
        with self.lock:
            if self.closing:
                task.cancel()
                return
            self.queue.append(task)
            self.task_waiting.notify()

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        """Stop the workers once their current request is done; cancel the waiting ones."""
        with self.lock:
            self.closing = True
            self.task_waiting.notify_all()
            self.watcher_woken.notify_all()
            deadline = time.monotonic() + timeout
            while self.workers and (left := deadline - time.monotonic()) > 0:
                self.worker_gone.wait(left)
            if self.workers:
                log.warning("%d thread(s) still running", len(self.workers))
            if cancel_pending:
                while self.queue:
                    self.queue.popleft().cancel()
            threads = [t for t in self.threads if t is not threading.current_thread()]
        # Each thread ends as soon as it sees `closing`: wait for that, so that nothing of
        # the server still runs once it says it stopped (a `serve` that could not listen
        # exits at once).
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return cancel_pending

    # With self.lock held.

    def _held(self, besides: int | None = None) -> int:
        now = time.monotonic()
        return sum(
            1
            for worker, began in self.began.items()
            if worker != besides and now - began > HELD_AFTER_S
        )

    def _start_worker(self) -> None:
        number = min(set(range(len(self.workers) + 1)) - self.workers)
        self.workers.add(number)
        self._start(self._work, f"waitress-{number}", number)

    def _start(self, target, name: str, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()

    def _should_go(self, worker: int) -> bool:
        return self.closing or len(self.workers) > 1 + self._held(besides=worker)

    # The threads.

    def _work(self, worker: int) -> None:
        while True:
            with self.lock:
                while not self.queue and not self._should_go(worker):
                    self.task_waiting.wait()
                if self._should_go(worker):
                    self.workers.discard(worker)
                    self.worker_gone.notify_all()
                    self.task_waiting.notify()  # a wake-up this worker took may be another's
                    return
                task = self.queue.popleft()
                self.began[worker] = time.monotonic()
                if self.watcher_asleep:
                    self.watcher_woken.notify()
            try:
                task.service()
            except BaseException:
                log.exception("Exception when servicing %r", task)
            finally:
                with self.lock:
                    del self.began[worker]

    def _watch(self) -> None:
        with self.lock:
            while not self.closing:
                if not self.began:  # nothing running, nothing can be held: sleep until work
                    self.watcher_asleep = True
                    self.watcher_woken.wait()
                    self.watcher_asleep = False
                    continue
                self.watcher_woken.wait(LOOK_EVERY_S)
                if (
                    self.queue
                    and not self.closing
                    and len(self.workers) < self.most
                    and self._held() >= len(self.workers)
                ):
                    self._start_worker()
