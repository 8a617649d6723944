"""What durability costs: "I did this step" with SQLite synchronous=FULL and with NORMAL.

FULL (the default) syncs the WAL to the disk at every commit, so an answered mark survives a
power cut; NORMAL syncs only at checkpoints (it survives a crash of the program, not a power
cut). Same machine, same run, alternating, medians of --runs:

    .venv/bin/python benchmarks/durability.py --runs 3 --seconds 10

The numbers go to benchmarks/RESULTS.md by hand, with the disk they were measured on.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from mark_done import prepare_mark_done  # noqa: E402
from run import COURSESITE, free_port, start, stop, wait_for, wrk  # noqa: E402

STARTER = HERE.parent / "lessons"


def measure(mode: str, seconds: int) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as instance:
        env = {
            **os.environ,
            "COURSESITE_INSTANCE": instance,
            "COURSESITE_LESSONS": str(STARTER),
            "COURSESITE_SQLITE_SYNCHRONOUS": mode,
        }
        subprocess.run([str(COURSESITE), "init"], env=env, check=True, capture_output=True)
        process = start([str(COURSESITE), "serve", "--host", "127.0.0.1", "--port", str(port)], env)
        try:
            wait_for(f"{base}/fr/")
            time.sleep(1)
            mark = prepare_mark_done(base, env, Path(instance))
            return wrk(mark["url"], seconds, mark["script"])
        finally:
            stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    results = {"full": [], "normal": []}
    for _ in range(args.runs):
        for mode in results:
            results[mode].append(measure(mode, args.seconds))
    print("| synchronous | marks/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for mode, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        print(f"| {mode} | {rps:.0f} | {p50:.1f} | {p99:.1f} | {errors} |")


if __name__ == "__main__":
    main()
