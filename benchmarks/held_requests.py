"""Step pages while someone signs in every 200 ms: waitress's own threads against the site's.

Usage: .venv/bin/python benchmarks/held_requests.py [--runs 3] [--seconds 10]

A sign-in holds its thread for a password hash (about 64 ms of scrypt). With one thread for
every request, each page waits behind it. The site (coursesite/web/serving.py) answers its
step pages on waitress's event loop and sign-ins on worker threads
(coursesite/web/worker_threads.py), which start another thread while one is held. For each
way of serving, in turn: the step page under wrk (16 connections, as run.py) and, beside
it, a sign-in every 200 ms from another thread: pages a second, p50 and p99, and how long
the sign-ins took. On 127.0.0.1 only, bounded in time.
"""

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from learner import sign_in, sign_in_learner  # noqa: E402
from run import STEP, Machine, free_port, new_instance, start, stop, wait_for, wrk  # noqa: E402

BIN = Path(sys.executable).parent
SIGN_IN_EVERY_S = 0.2

# The site served one way or the other, as `coursesite serve` would (see floor_app.py).
SERVER = """
import sys, logging
from waitress import create_server
from coursesite import create_app
from coursesite.web.collector import set_aside_start_up_objects
from coursesite.web.serving import make_server
app = create_app()
set_aside_start_up_objects()
logging.getLogger("waitress.queue").setLevel(logging.ERROR)
serve = make_server if sys.argv[2] == "site" else create_server
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4, ident="coursesite").run()
"""


def timed_sign_in(base: str) -> float:
    """Sign the benchmark's learner in from a new browser; return the time it took, in ms."""
    began = time.perf_counter()
    sign_in(base)
    return (time.perf_counter() - began) * 1000


def measure(way: str, seconds: int, lessons: Path) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with new_instance(BIN, lessons) as env:
        server = start([str(BIN / "python"), "-c", SERVER, str(port), way], env)
        try:
            wait_for(base + STEP)
            sign_in_learner(base, env, BIN)
            took, done = [], threading.Event()

            def keep_signing_in():
                while not done.is_set():
                    took.append(timed_sign_in(base))
                    done.wait(SIGN_IN_EVERY_S)

            signing = threading.Thread(target=keep_signing_in)
            signing.start()
            try:
                pages = wrk(Machine(2), base + STEP, seconds)
            finally:
                done.set()
                signing.join()
            return {**pages, "sign_ins": len(took), "sign_in_ms": statistics.median(took)}
        finally:
            stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    lessons = HERE.parent / "lessons"
    print("| served by | run | pages/s | p50 ms | p99 ms | sign-ins | sign-in, median |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for run in range(1, args.runs + 1):
        for way, label in (
            ("waitress", "waitress's own 4 threads"),
            ("site", "the site's loop and at most 4 threads"),
        ):
            r = measure(way, args.seconds, lessons)
            print(
                f"| {label} | {run} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                f"{r['sign_ins']} | {r['sign_in_ms']:.0f} ms |",
                flush=True,
            )


if __name__ == "__main__":
    main()
