"""The site on waitress: quick pages answered by its event loop, the rest by worker threads.

Waitress reads every request on one thread, its event loop, and hands it to a worker
thread, which answers and wakes the loop again: two hand-overs for each request. Python
runs one thread at a time, and on two cores each hand-over wakes a thread on the other
core. Measured for a step page at 16 connections on two cores: 7 to 10 context switches and
110–185 µs of system time a page; answered by the loop, none and 40–55 µs, with less
Python time too, and a quarter to a third more pages a second (benchmarks/RESULTS.md, tenth
session).

So the loop answers a quick page (web/quick_pages.py: a step, the catalogue) itself,
as soon as it has read it, and sends it on its own thread. Every other request goes to the
worker threads (web/worker_threads.py), so that a sign-in's password hash, a save or an
export never holds the loop, and the loop keeps answering pages meanwhile.
"""

import contextvars
import logging
import threading
from collections import deque

from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer

from coursesite.web.quick_pages import QuickRequests
from coursesite.web.worker_threads import WorkerThreads

log = logging.getLogger("waitress")  # where waitress reports a task's failure


class QuickFirst:
    """A task dispatcher for waitress: quick pages on the event loop, the rest on workers."""

    def __init__(self, workers: WorkerThreads, is_quick):
        self.workers = workers
        self.is_quick = is_quick
        self.loop_thread: int | None = None  # known from the loop's first read
        self.answer_now = deque()

    # The two methods waitress calls.

    def add_task(self, channel) -> None:
        # On the loop, inside the read that completed the request (and holding the
        # channel's lock on its requests): answered once that read is over.
        if threading.get_ident() == self.loop_thread and self._quick(channel):
            self.answer_now.append(channel)
        else:
            self.workers.add_task(channel)

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        return self.workers.shutdown(cancel_pending, timeout)

    # On the event loop.

    def _quick(self, channel) -> bool:
        request = channel.requests[0]
        return not request.error and self.is_quick(request.command, request.path)

    def answer_waiting(self) -> None:
        while self.answer_now:
            channel = self.answer_now.popleft()
            try:
                # In a context of its own: the loop's thread may hold an app context (the
                # command line's), which Flask would otherwise reuse, and its `g`, for
                # every request.
                contextvars.Context().run(channel.service)
            except Exception:
                log.exception("Exception when servicing %r", channel)


class LoopChannel(HTTPChannel):
    """Waitress's connection, answering its quick requests as soon as they are read."""

    def handle_read(self) -> None:
        dispatcher = self.server.task_dispatcher
        dispatcher.loop_thread = threading.get_ident()
        super().handle_read()
        dispatcher.answer_waiting()

    def _flush_outbufs_below_high_watermark(self) -> None:
        # A worker that has written much more than was sent waits here for the loop to send
        # it; the loop itself cannot wait for itself. Its answer stays buffered (on disk past
        # waitress's outbuf_overflow) and is sent as the client reads it.
        if threading.get_ident() != self.server.task_dispatcher.loop_thread:
            super()._flush_outbufs_below_high_watermark()


def make_server(app, *, host: str, port: int, threads: int, **options):
    """Return a waitress server for app: quick pages on its loop, the rest on at most
    `threads` WorkerThreads."""
    workers = WorkerThreads(threads)
    dispatcher = QuickFirst(workers, QuickRequests(app))
    try:
        server = create_server(
            app, host=host, port=port, threads=threads, _dispatcher=dispatcher, **options
        )
    except BaseException:  # the port is taken, say: no threads left behind
        workers.shutdown(timeout=1)
        raise
    answer_quick_pages_on_the_loop(server)
    return server


def answer_quick_pages_on_the_loop(server) -> None:
    """Give the connections of each of the server's addresses to LoopChannel."""
    for listener in listeners(server):
        listener.channel_class = LoopChannel


def listeners(server) -> list[BaseWSGIServer]:
    """Return what listens on each of the server's addresses: the server itself, or one
    each when its host has several (`--host localhost`: 127.0.0.1 and ::1)."""
    if isinstance(server, MultiSocketServer):
        return [each for each in server.map.values() if isinstance(each, BaseWSGIServer)]
    return [server]


def stop_server(server, timeout: float = 5) -> None:
    """Stop a server whose loop runs on another thread: its workers first, then its loop
    closes every connection and ends. (Closing them from this thread would take sockets
    from under the loop while it waits on them.)"""
    server.task_dispatcher.shutdown(timeout=timeout)
    everything = server.map if isinstance(server, MultiSocketServer) else server._map
    listeners(server)[0].trigger.pull_trigger(lambda: wasyncore.close_all(everything))
