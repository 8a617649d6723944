"""Measure coursesite against a bare Flask + waitress page, on 127.0.0.1 only, bounded.

Usage: .venv/bin/python benchmarks/run.py [--runs 3] [--seconds 10] [--lessons 1000]

For the starter lessons and for a generated catalogue of N lessons × 2 languages it
measures start-up time to the first 200, idle and loaded memory (RSS), and requests per
second with p50/p99 latency at 16 concurrent connections (wrk) for the catalogue, a step
page, a search and marking a step done; the ceiling app is measured in the same run and
each figure is also given as a ratio of it. Medians of --runs runs go to RESULTS.md.
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_catalogue import make_catalogue  # noqa: E402
from mark_done import prepare_mark_done  # noqa: E402

COURSESITE = ROOT / ".venv" / "bin" / "coursesite"
PYTHON = ROOT / ".venv" / "bin" / "python"
CONNECTIONS = 16
STEP = "/fr/lessons/creer-adresse-courriel/3"
GENERATED_STEP = "/fr/lessons/generated-0500/3"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> float:
    """Poll url until it answers 200; return the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def to_ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(url: str, seconds: int, script: Path | None = None) -> dict:
    """Load url from a second process for `seconds` seconds; return rps, p50, p99, errors."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if not re.search(r"^\s*99%", output, re.M):
        raise RuntimeError(f"wrk printed no latency distribution:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s*50%\s+(\S+)\s*$", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s*99%\s+(\S+)\s*$", output, re.M).group(1)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def measure_ceiling(seconds: int) -> dict:
    port = free_port()
    process = start([str(PYTHON), str(HERE / "ceiling_app.py"), str(port)], dict(os.environ))
    try:
        startup = wait_for(f"http://127.0.0.1:{port}/")
        time.sleep(1)
        idle = rss_mb(process.pid)
        load = wrk(f"http://127.0.0.1:{port}/", seconds)
        return {"startup_s": startup, "idle_rss_mb": idle, "page": load}
    finally:
        stop(process)


def measure_site(lessons: Path, seconds: int, step: str, search: str) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "COURSESITE_INSTANCE": instance, "COURSESITE_LESSONS": str(lessons)}
        subprocess.run([str(COURSESITE), "init"], env=env, check=True, capture_output=True)
        began = time.monotonic()
        process = start(
            [
                str(COURSESITE),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--threads",
                "8",
            ],
            env,
        )
        try:
            wait_for(f"{base}/fr/")
            startup = time.monotonic() - began
            time.sleep(2)
            idle = rss_mb(process.pid)
            results = {"startup_s": startup, "idle_rss_mb": idle}
            results["catalogue"] = wrk(f"{base}/fr/", seconds)
            results["step"] = wrk(base + step, seconds)
            results["search"] = wrk(f"{base}/fr/search?q={search}", seconds)
            if step == STEP:  # the starter lessons: a real learner marks a real step
                mark = prepare_mark_done(base, env, Path(instance))
                results["mark_done"] = wrk(mark["url"], seconds, mark["script"])
            results["loaded_rss_mb"] = rss_mb(process.pid)
            results["peak_rss_mb"] = rss_mb(process.pid, "VmHWM")
            return results
        finally:
            stop(process)


def median_of(runs: list[dict], *keys) -> float:
    values = []
    for run in runs:
        value = run
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            values.append(value)
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    generated = Path(tempfile.mkdtemp(prefix="coursesite-generated-"))
    make_catalogue(generated, args.lessons)
    raw = {"ceiling": [], "starter": [], "generated": []}
    try:
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs}", flush=True)
            raw["ceiling"].append(measure_ceiling(args.seconds))
            raw["starter"].append(measure_site(ROOT / "lessons", args.seconds, STEP, "courriel"))
            raw["generated"].append(
                measure_site(generated, args.seconds, GENERATED_STEP, "navigateur")
            )
    finally:
        shutil.rmtree(generated, ignore_errors=True)
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "raw.json").write_text(json.dumps(raw, indent=2))
    args.out.write_text(report(raw, args))
    print(args.out.read_text())


def report(raw: dict, args) -> str:
    ceiling_rps = median_of(raw["ceiling"], "page", "rps")
    lines = [
        "# Benchmark results",
        "",
        f"Made by `.venv/bin/python benchmarks/run.py --runs {args.runs} --seconds {args.seconds} "
        f"--lessons {args.lessons}` on {time.strftime('%Y-%m-%d')}.",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load from wrk (2 threads, {CONNECTIONS} connections) on 127.0.0.1, server with 8 threads.",
        f"Medians of {args.runs} runs. Ceiling: a bare Flask + waitress page in the same run "
        f"({ceiling_rps:.0f} requests/s, p50 {median_of(raw['ceiling'], 'page', 'p50'):.1f} ms, "
        f"p99 {median_of(raw['ceiling'], 'page', 'p99'):.1f} ms, idle RSS "
        f"{median_of(raw['ceiling'], 'idle_rss_mb'):.0f} MB, start-up "
        f"{median_of(raw['ceiling'], 'startup_s'):.2f} s).",
        "",
        "| catalogue | page | requests/s | × ceiling | p50 ms | p99 ms | non-2xx |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, label in (
        ("starter", "starter lessons"),
        ("generated", f"{args.lessons} × 2 lessons"),
    ):
        for page in ("catalogue", "step", "search", "mark_done"):
            rps = median_of(raw[name], page, "rps")
            if rps != rps:  # NaN: not measured
                continue
            lines.append(
                f"| {label} | {page.replace('_', ' ')} | {rps:.0f} | {rps / ceiling_rps:.2f} | "
                f"{median_of(raw[name], page, 'p50'):.1f} | {median_of(raw[name], page, 'p99'):.1f} | "
                f"{max(r.get(page, {}).get('errors', 0) for r in raw[name])} |"
            )
    lines += [
        "",
        "| catalogue | start-up to first 200 | idle RSS | RSS after load | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, label in (
        ("starter", "starter lessons"),
        ("generated", f"{args.lessons} × 2 lessons"),
    ):
        lines.append(
            f"| {label} | {median_of(raw[name], 'startup_s'):.2f} s | "
            f"{median_of(raw[name], 'idle_rss_mb'):.0f} MB | {median_of(raw[name], 'loaded_rss_mb'):.0f} MB | "
            f"{median_of(raw[name], 'peak_rss_mb'):.0f} MB |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
