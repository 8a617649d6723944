"""Measure coursesite against a bare Flask + waitress page, on 127.0.0.1 only, bounded.

Usage: .venv/bin/python benchmarks/run.py [--runs 3] [--seconds 10] [--lessons 1000]
           [--cpus 2|1|2,1] [--postgres 1,2,4] [--json FILE] [--out RESULTS.md]

For the starter lessons and for a generated catalogue of N lessons × 2 languages it measures
start-up time to the first 200, idle and loaded memory (RSS), what takes the memory
(benchmarks/memory.py), and requests per second with p50/p99 latency at 16 concurrent
connections (wrk, benchmarks/load.lua) for the catalogue, a step page (a visitor without a
cookie, a signed-in learner, and a learner well along: 400 steps done in other lessons), a
search and marking a step done. The ceiling app is measured in each run and every figure is
also given as a ratio of it, and so is the floor (benchmarks/floor_app.py): the site's own
request handling around a view that does nothing, which no page can beat.

The site runs as a lab installs it (`pip install .` into a fresh virtual environment, no
PostgreSQL driver); `--postgres` runs 1, 2, 4… `coursesite serve` processes of the project's
own environment on one throw-away PostgreSQL database behind Caddy. `--cpus 1` pins the server
to one core with taskset and wrk to the other (an old laptop), and adds how many learners
clicking once every 20 s that core carries at p99 ≤ 100 ms. Raw figures and medians go to a
JSON file beside RESULTS.md (for benchmarks/compare.py); the tables go between the markers in
RESULTS.md, whose other text is kept.
"""

import argparse
import contextlib
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

from learner import add_history, mark_done_path, sign_in_learner  # noqa: E402
from make_catalogue import make_catalogue  # noqa: E402

CONNECTIONS = 16
THREADS = 4  # as coursesite serve's default
STEP = "/fr/lessons/creer-adresse-courriel/3"
HISTORY_STEPS = 400  # a learner well along: 50 lessons of 8 steps
LOAD_SCRIPT = HERE / "load.lua"
BEGIN, END = "<!-- run.py: begin -->", "<!-- run.py: end -->"
# The one-core profile: total request rates tried, lowest first, and the latency promise.
RATES = (25, 50, 100, 200, 300, 400, 600, 800, 1000)
RATE_CONNECTIONS = 64
P99_PROMISE_MS = 100
CLICK_EVERY_S = 20
POOL_OPTIONS = "?max_connections=32&stale_timeout=300"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 90) -> float:
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


class Machine:
    """Where the server and the load generator run: both anywhere, or one core each."""

    def __init__(self, cpus: int):
        self.cpus = cpus

    def server(self, command: list[str]) -> list[str]:
        return ["taskset", "-c", "0", *command] if self.cpus == 1 else command

    def load(self, command: list[str]) -> list[str]:
        return ["taskset", "-c", "1", *command] if self.cpus == 1 else command


def wrk(
    machine: Machine,
    url: str,
    seconds: int,
    *,
    cookie: str = "",
    csrf: str = "",
    rate: float | None = None,
    connections: int = CONNECTIONS,
    unique: bool = False,
) -> dict:
    """Load url from a second process for `seconds` seconds; return rps, p50, p99, errors."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    command += ["-s", str(LOAD_SCRIPT), url]
    env = {**os.environ, "WRK_COOKIE": cookie, "WRK_CSRF": csrf, "WRK_RATE": ""}
    env["WRK_UNIQUE"] = "1" if unique else ""
    if rate:
        env["WRK_RATE"] = f"{rate / connections:.6f}"
    output = subprocess.run(
        machine.load(command), capture_output=True, text=True, check=True, env=env
    ).stdout
    if not re.search(r"^\s*99%", output, re.M):
        raise RuntimeError(f"wrk printed no latency distribution:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s*50%\s+(\S+)\s*$", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s*99%\s+(\S+)\s*$", output, re.M).group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in errors.groups()) if errors else 0),
    }


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve_command(bin_dir: Path, port: int) -> list[str]:
    return [
        str(bin_dir / "coursesite"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--threads",
        str(THREADS),
        "--log-level",
        "warning",
    ]


def measure_ceiling(
    machine: Machine, python: Path, seconds: int, *, site_threads: bool = False
) -> dict:
    port = free_port()
    command = [str(python), str(HERE / "ceiling_app.py"), str(port)]
    command += ["--site-threads"] if site_threads else []
    process = start(machine.server(command), dict(os.environ))
    try:
        startup = wait_for(f"http://127.0.0.1:{port}/")
        time.sleep(1)
        idle = rss_mb(process.pid)
        load = wrk(machine, f"http://127.0.0.1:{port}/", seconds)
        return {"startup_s": startup, "idle_rss_mb": idle, "page": load}
    finally:
        stop(process)


@contextlib.contextmanager
def new_instance(bin_dir: Path, lessons: Path):
    """Give the environment of a new instance folder on SQLite, its database made, serving
    `lessons`; the folder goes at the end."""
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "COURSESITE_INSTANCE": instance, "COURSESITE_LESSONS": str(lessons)}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [str(bin_dir / "coursesite"), "init"], env=env, check=True, capture_output=True
        )
        yield env


def measure_floor(machine: Machine, bin_dir: Path, lessons: Path, seconds: int) -> dict:
    """The site's own request handling around a view that does nothing (floor_app.py): the
    most any step page could reach, for a visitor and a signed-in learner."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with new_instance(bin_dir, lessons) as env:
        command = [str(bin_dir / "python"), str(HERE / "floor_app.py"), str(port), STEP]
        process = start(machine.server(command), env)
        try:
            wait_for(f"{base}/fr/floor")
            time.sleep(1)
            learner = sign_in_learner(base, env, bin_dir)
            return {
                "step": wrk(machine, f"{base}/fr/floor", seconds),
                "step_learner": wrk(machine, f"{base}/fr/floor", seconds, cookie=learner["cookie"]),
            }
        finally:
            stop(process)


def measure_site(
    machine: Machine, bin_dir: Path, lessons: Path, seconds: int, step: str, search: str
) -> dict:
    """Start one server on this lessons folder and load each kind of page in turn."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with new_instance(bin_dir, lessons) as env:
        began = time.monotonic()
        process = start(machine.server(serve_command(bin_dir, port)), env)
        try:
            wait_for(f"{base}/fr/")
            startup = time.monotonic() - began
            # A first start on many lessons checks them in another process while the site
            # answers (coursesite/lessons/publishing/bulk.py): measure once every lesson is served.
            checking = Path(env["COURSESITE_INSTANCE"]) / "published-lessons" / ".checking"
            while checking.exists() and time.monotonic() - began < 600:
                time.sleep(0.1)
            checked = time.monotonic() - began
            time.sleep(2)
            results = {
                "startup_s": startup,
                "checked_s": checked,
                "idle_rss_mb": rss_mb(process.pid),
            }
            learner = sign_in_learner(base, env, bin_dir)
            well_along = sign_in_learner(base, env, bin_dir, "bench.well.along")
            add_history(env, "bench.well.along", HISTORY_STEPS)
            results["catalogue"] = wrk(machine, f"{base}/fr/", seconds)
            results["step"] = wrk(machine, base + step, seconds)
            results["step_learner"] = wrk(machine, base + step, seconds, cookie=learner["cookie"])
            results["step_learner_history"] = wrk(
                machine, base + step, seconds, cookie=well_along["cookie"]
            )
            results["search"] = wrk(machine, f"{base}/fr/search?q={search}", seconds)
            # The same words with a new address each time: the page is searched and made again.
            results["search_new"] = wrk(
                machine, f"{base}/fr/search?q={search}", seconds, unique=True
            )
            if step == STEP:  # the starter lessons: a real learner marks a real step
                results["mark_done"] = wrk(machine, base + mark_done_path(), seconds, **learner)
            results["catalogue_html_kb"] = page_kb(f"{base}/fr/")
            results["step_html_kb"] = page_kb(base + step)
            if machine.cpus == 1 and step == STEP:
                results["clicks"] = rate_sweep(machine, base + step, learner["cookie"], seconds)
            results["loaded_rss_mb"] = rss_mb(process.pid)
            results["peak_rss_mb"] = rss_mb(process.pid, "VmHWM")
            return results
        finally:
            stop(process)


def page_kb(url: str) -> float:
    """Return the size of a page's HTML before compression, in kilobytes."""
    with urllib.request.urlopen(url) as response:
        return len(response.read()) / 1000


def rate_sweep(machine: Machine, url: str, cookie: str, seconds: int) -> dict:
    """Raise the rate of a learner's step pages until p99 passes the promise."""
    tried = []
    for rate in RATES:
        result = wrk(machine, url, seconds, cookie=cookie, rate=rate, connections=RATE_CONNECTIONS)
        tried.append({"rate": rate, **result})
        if result["p99"] > P99_PROMISE_MS * 1.5:
            break
    kept = [t for t in tried if t["p99"] <= P99_PROMISE_MS and t["errors"] == 0]
    best = max((t["rps"] for t in kept), default=0.0)
    return {"tried": tried, "rps_within_promise": best, "learners": int(best * CLICK_EVERY_S)}


def measure_memory(python: Path, lessons: Path, site: Path = ROOT) -> dict:
    """Run the measured tree's own memory.py (it knows what that code keeps) in its install."""
    script = site / "benchmarks" / "memory.py"
    output = subprocess.run(
        [str(python), str(script if script.exists() else HERE / "memory.py"), str(lessons)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    ).stdout
    return json.loads(output)


# PostgreSQL behind Caddy


def start_postgres(port: int, data: Path) -> str:
    env = {**os.environ, "PGPORT_TEST": str(port), "PGDATA_TEST": str(data)}
    output = subprocess.run(
        ["bash", str(ROOT / ".ci" / "postgres.sh")], env=env, capture_output=True, text=True
    )
    if output.returncode:
        raise RuntimeError(f"PostgreSQL did not start:\n{output.stderr}")
    return output.stdout.strip().split("=", 1)[1]


def stop_postgres(port: int, data: Path) -> None:
    env = {**os.environ, "PGPORT_TEST": str(port), "PGDATA_TEST": str(data)}
    subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), "--stop"], env=env, check=False)
    shutil.rmtree(data, ignore_errors=True)


CADDYFILE = """{{
\tadmin off
\tauto_https off
}}
http://127.0.0.1:{port} {{
\treverse_proxy {upstreams} {{
\t\tlb_policy round_robin
\t}}
}}
"""


def measure_postgres(
    machine: Machine,
    bin_dir: Path,
    counts: list[int],
    seconds: int,
    database_url: str,
    site: Path,
    run: int,
) -> dict:
    """1, 2, 4… `coursesite serve` processes on one database behind Caddy: step and mark done."""
    results = {}
    with tempfile.TemporaryDirectory() as instance:
        env = {
            **os.environ,
            "COURSESITE_INSTANCE": instance,
            "COURSESITE_LESSONS": str(site / "lessons"),
            "DATABASE_URL": database_url,
        }
        subprocess.run(
            [str(bin_dir / "coursesite"), "init"], env=env, check=True, capture_output=True
        )
        for count in counts:
            ports = [free_port() for _ in range(count)]
            servers = [start(machine.server(serve_command(bin_dir, p)), env) for p in ports]
            proxy_port = free_port()
            caddyfile = Path(instance) / f"Caddyfile-{count}"
            caddyfile.write_text(
                CADDYFILE.format(
                    port=proxy_port, upstreams=" ".join(f"127.0.0.1:{p}" for p in ports)
                )
            )
            caddy = start(
                machine.server(
                    ["caddy", "run", "--config", str(caddyfile), "--adapter", "caddyfile"]
                ),
                {
                    **os.environ,
                    "HOME": instance,
                    "XDG_DATA_HOME": instance,
                    "XDG_CONFIG_HOME": instance,
                },
            )
            try:
                for p in ports:
                    wait_for(f"http://127.0.0.1:{p}/fr/")
                base = f"http://127.0.0.1:{proxy_port}"
                wait_for(f"{base}/fr/")
                learner = sign_in_learner(base, env, bin_dir, username=f"bench.pg{count}.{run}")
                results[str(count)] = {
                    "step": wrk(machine, base + STEP, seconds),
                    "step_learner": wrk(machine, base + STEP, seconds, cookie=learner["cookie"]),
                    "mark_done": wrk(machine, base + mark_done_path(), seconds, **learner),
                    "rss_mb": [round(rss_mb(s.pid), 1) for s in servers],
                }
            finally:
                stop(caddy)
                for server in servers:
                    stop(server)
        results["caddyfile"] = CADDYFILE.format(port="PORT", upstreams="127.0.0.1:A 127.0.0.1:B …")
    return results


def lab_install(dest: Path, source: Path, extras: str = "") -> Path:
    """Install the site as a lab does (`pip install .`); return its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", str(dest)], check=True)
    subprocess.run(
        [str(dest / "bin" / "pip"), "install", "-q", f"{source}{extras}"],
        check=True,
        capture_output=True,
    )
    return dest / "bin"


def median_of(runs: list[dict], *keys) -> float:
    values = []
    for run in runs:
        value = run
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, (int, float)):
            values.append(value)
    return statistics.median(values) if values else float("nan")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--cpus", default="2", help="2 (both cores), 1 (one-core profile), or 2,1")
    parser.add_argument("--postgres", default="", help="process counts, e.g. 1,2,4 (none: skip)")
    parser.add_argument(
        "--no-pool",
        action="store_true",
        help="plain postgresql:// (a connection per request) instead of postgresql+pool://",
    )
    parser.add_argument(
        "--site", type=Path, default=ROOT, help="the source tree to measure (default: this one)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--json", type=Path, default=None, help="default: results.json beside --out"
    )
    parser.add_argument("--no-markdown", action="store_true", help="write only the JSON")
    args = parser.parse_args()
    for tool in ("wrk", "taskset") + (("caddy",) if args.postgres else ()):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: apt-get install -y wrk util-linux caddy postgresql")
    json_path = args.json or args.out.with_name("results.json")
    profiles = [int(c) for c in args.cpus.split(",") if c]
    counts = [int(c) for c in args.postgres.split(",") if c]
    work = Path(tempfile.mkdtemp(prefix="coursesite-bench-"))
    raw = {
        "meta": {
            "command": "benchmarks/run.py " + " ".join(sys.argv[1:]),
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "commit": subprocess.run(
                ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
            ).stdout.strip(),
            "machine": f"{platform.platform()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "load_before": load_average(),
            "runs": args.runs,
            "seconds": args.seconds,
            "lessons": args.lessons,
        },
        "profiles": {},
    }
    # Outside `work`: the postgres user must reach it.
    pg_port, pg_data = 54362, Path(tempfile.gettempdir()) / f"coursesite-bench-pg-{os.getpid()}"
    try:
        print("installing the site as a lab does", flush=True)
        lab_bin = lab_install(work / "venv", args.site)
        # PostgreSQL needs the driver: the same source, with the `postgresql` extra.
        pg_bin = lab_install(work / "venv-pg", args.site, "[postgresql]") if counts else None
        generated = make_catalogue(work / "generated", args.lessons)
        for cpus in profiles:
            machine = Machine(cpus)
            profile = raw["profiles"].setdefault(
                str(cpus),
                {
                    "ceiling": [],
                    "ceiling_site_threads": [],
                    "floor": [],
                    "starter": [],
                    "generated": [],
                    "loads": [],
                },
            )
            for run in range(args.runs):
                print(f"{cpus} core(s): run {run + 1}/{args.runs}", flush=True)
                profile["loads"].append(load_average())
                profile["ceiling"].append(
                    measure_ceiling(machine, lab_bin / "python", args.seconds)
                )
                profile["ceiling_site_threads"].append(
                    measure_ceiling(machine, lab_bin / "python", args.seconds, site_threads=True)
                )
                profile["floor"].append(
                    measure_floor(machine, lab_bin, args.site / "lessons", args.seconds)
                )
                profile["starter"].append(
                    measure_site(
                        machine, lab_bin, args.site / "lessons", args.seconds, STEP, "courriel"
                    )
                )
                profile["generated"].append(
                    measure_site(
                        machine,
                        lab_bin,
                        generated,
                        args.seconds,
                        f"/fr/lessons/generated-{args.lessons // 2:04d}/3",
                        "navigateur",
                    )
                )
        if 2 in profiles:
            print("memory", flush=True)
            raw["memory"] = {
                "starter": measure_memory(lab_bin / "python", args.site / "lessons", args.site),
                "generated": measure_memory(lab_bin / "python", generated, args.site),
            }
            if pg_bin:  # with the PostgreSQL driver installed, peewee's import loads it
                with_driver = measure_memory(pg_bin / "python", args.site / "lessons", args.site)
                raw["memory"]["postgresql_driver_mb"] = with_driver["libraries_mb"]["peewee"]
        if counts:
            print("PostgreSQL", flush=True)
            url = start_postgres(pg_port, pg_data)
            if not args.no_pool:  # the README's configuration: connections kept in a pool
                url = url.replace("postgresql://", "postgresql+pool://", 1) + POOL_OPTIONS
            raw["meta"]["database_url"] = url
            raw["postgres"] = {"ceiling": [], "runs": []}
            try:
                for run in range(args.runs):
                    raw["postgres"]["ceiling"].append(
                        measure_ceiling(Machine(2), pg_bin / "python", args.seconds)
                    )
                    raw["postgres"]["runs"].append(
                        measure_postgres(
                            Machine(2), pg_bin, counts, args.seconds, url, args.site, run
                        )
                    )
            finally:
                stop_postgres(pg_port, pg_data)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        # Whatever was measured survives a failure later in the run.
        partial = json_path.with_name(json_path.stem + "-partial.json")
        partial.write_text(json.dumps(raw, indent=2) + "\n")
    partial.unlink()
    raw["meta"]["load_after"] = load_average()
    raw["figures"] = figures(raw)
    json_path.write_text(json.dumps(raw, indent=2) + "\n")
    print(f"wrote {json_path}")
    if not args.no_markdown:
        text = report(raw)
        old = args.out.read_text() if args.out.exists() else ""
        if BEGIN in old and END in old:
            text = old.split(BEGIN)[0] + text + old.split(END, 1)[1]
        args.out.write_text(text)
        print(report(raw))


PAGES = (
    "catalogue",
    "step",
    "step_learner",
    "step_learner_history",
    "search",
    "search_new",
    "mark_done",
)
LABELS = {
    "catalogue": "catalogue",
    "step": "step, visitor",
    "step_learner": "step, learner",
    "step_learner_history": f"step, learner with {HISTORY_STEPS} steps done elsewhere",
    "search": "search",
    "search_new": "search, new address each time",
    "mark_done": "mark done",
}


def figures(raw: dict) -> dict:
    """Return the medians, flat: {"2cpu starter step": {"rps", "ratio", "p50", "p99"}, …}."""
    out = {}
    for cpus, profile in raw["profiles"].items():
        ceiling = median_of(profile["ceiling"], "page", "rps")
        out[f"{cpus}cpu ceiling"] = {
            "rps": ceiling,
            "ratio": 1.0,
            "p50": median_of(profile["ceiling"], "page", "p50"),
            "p99": median_of(profile["ceiling"], "page", "p99"),
        }
        if profile.get("ceiling_site_threads"):
            served = profile["ceiling_site_threads"]
            out[f"{cpus}cpu ceiling on the site's threads"] = {
                "rps": median_of(served, "page", "rps"),
                "ratio": median_of(served, "page", "rps") / ceiling,
                "p50": median_of(served, "page", "p50"),
                "p99": median_of(served, "page", "p99"),
            }
        for page in ("step", "step_learner"):
            if profile.get("floor"):
                out[f"{cpus}cpu floor {page}"] = {
                    "rps": median_of(profile["floor"], page, "rps"),
                    "ratio": median_of(profile["floor"], page, "rps") / ceiling,
                    "p50": median_of(profile["floor"], page, "p50"),
                    "p99": median_of(profile["floor"], page, "p99"),
                }
        for name in ("starter", "generated"):
            for page in PAGES:
                rps = median_of(profile[name], page, "rps")
                if rps == rps:
                    out[f"{cpus}cpu {name} {page}"] = {
                        "rps": rps,
                        "ratio": rps / ceiling,
                        "p50": median_of(profile[name], page, "p50"),
                        "p99": median_of(profile[name], page, "p99"),
                        "errors": max(r.get(page, {}).get("errors", 0) for r in profile[name]),
                    }
            for key in ("idle_rss_mb", "loaded_rss_mb", "peak_rss_mb", "startup_s", "checked_s"):
                out[f"{cpus}cpu {name} {key}"] = {"value": median_of(profile[name], key)}
            for key in ("catalogue_html_kb", "step_html_kb"):
                out[f"{cpus}cpu {name} {key}"] = {"value": median_of(profile[name], key)}
        learners = [r["clicks"]["learners"] for r in profile["starter"] if "clicks" in r]
        if learners:
            out[f"{cpus}cpu learners at p99 <= {P99_PROMISE_MS} ms"] = {
                "value": statistics.median(learners)
            }
    postgres = raw.get("postgres")
    if postgres:
        ceiling = median_of(postgres["ceiling"], "page", "rps")
        out["postgres ceiling"] = {"rps": ceiling, "ratio": 1.0}
        for count in postgres["runs"][0]:
            if count == "caddyfile":
                continue
            for page in ("step", "step_learner", "mark_done"):
                rps = median_of([r[count] for r in postgres["runs"]], page, "rps")
                out[f"postgres {count} process {page}"] = {
                    "rps": rps,
                    "ratio": rps / ceiling,
                    "p50": median_of([r[count] for r in postgres["runs"]], page, "p50"),
                    "p99": median_of([r[count] for r in postgres["runs"]], page, "p99"),
                }
    return out


def report(raw: dict) -> str:
    meta, fig = raw["meta"], raw["figures"]
    lines = [
        BEGIN,
        f"Made by `.venv/bin/python {meta['command']}` on {meta['date']} at commit "
        f"{meta['commit']}; raw figures in `results.json`.",
        f"Machine: {meta['machine']}. Load average (1, 5, 15 min) before: "
        f"{', '.join(map(str, meta['load_before']))}; after: "
        f"{', '.join(map(str, meta['load_after']))}. wrk: 2 threads, {CONNECTIONS} connections, "
        f"browser-like `Accept-Encoding`; server: a lab install (`pip install .`), "
        f"at most {THREADS} threads. Medians of {meta['runs']} runs of {meta['seconds']} s.",
        "",
    ]
    for cpus, profile in raw["profiles"].items():
        ceiling = fig[f"{cpus}cpu ceiling"]
        where = (
            "both cores shared by server and wrk"
            if cpus == "2"
            else "server pinned to core 0 with taskset, wrk on core 1"
        )
        lines += [
            f"### {'Two cores' if cpus == '2' else 'One core (old-laptop profile)'}: {where}",
            "",
            f"Ceiling (bare Flask + waitress, same runs): {ceiling['rps']:.0f} requests/s, "
            f"p50 {ceiling['p50']:.1f} ms, p99 {ceiling['p99']:.1f} ms. Load average at each "
            f"run's start: {'; '.join(', '.join(map(str, la)) for la in profile['loads'])}.",
            "",
        ]
        served = fig.get(f"{cpus}cpu ceiling on the site's threads")
        if served:
            lines += [
                "The same bare page served as coursesite serves its pages (coursesite/web/"
                "serving.py: answered by waitress's event loop) instead of on waitress's "
                f"threads: {served['rps']:.0f} requests/s "
                f"({served['ratio']:.2f} × ceiling), p99 {served['p99']:.1f} ms.",
                "",
            ]
        floor = fig.get(f"{cpus}cpu floor step")
        if floor:
            learner = fig[f"{cpus}cpu floor step_learner"]
            lines += [
                "Floor (benchmarks/floor_app.py: the site's own handling of a request around a "
                "view that only answers the step page's HTML with a new CSRF token, same runs): "
                f"visitor {floor['rps']:.0f} requests/s ({floor['ratio']:.2f} × ceiling, "
                f"p99 {floor['p99']:.1f} ms), signed-in learner {learner['rps']:.0f} requests/s "
                f"({learner['ratio']:.2f}, p99 {learner['p99']:.1f} ms).",
                "",
            ]
        lines += [
            "| catalogue | page | requests/s | × ceiling | p50 ms | p99 ms | errors |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for name, label in (
            ("starter", "starter lessons"),
            ("generated", f"{meta['lessons']} × 2 lessons"),
        ):
            for page in PAGES:
                f = fig.get(f"{cpus}cpu {name} {page}")
                if f:
                    lines.append(
                        f"| {label} | {LABELS[page]} | {f['rps']:.0f} | {f['ratio']:.2f} | "
                        f"{f['p50']:.1f} | {f['p99']:.1f} | {f['errors']} |"
                    )
        lines += [
            "",
            "| catalogue | start-up to first 200 | idle RSS | RSS after load | peak RSS "
            "| catalogue HTML | step HTML |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, label in (
            ("starter", "starter lessons"),
            ("generated", f"{meta['lessons']} × 2 lessons"),
        ):

            def v(key, name=name, cpus=cpus):
                return fig[f"{cpus}cpu {name} {key}"]["value"]

            lines.append(
                f"| {label} | {v('startup_s'):.2f} s | {v('idle_rss_mb'):.0f} MB | "
                f"{v('loaded_rss_mb'):.0f} MB | {v('peak_rss_mb'):.0f} MB | "
                f"{v('catalogue_html_kb'):.1f} KB | {v('step_html_kb'):.1f} KB |"
            )
        clicks = [r["clicks"] for r in profile["starter"] if "clicks" in r]
        if clicks:
            learners = fig[f"{cpus}cpu learners at p99 <= {P99_PROMISE_MS} ms"]["value"]
            lines += [
                "",
                f"A signed-in learner's step page at a set rate ({RATE_CONNECTIONS} connections, "
                f"random gaps), per run: rate asked → served, p99.",
                "",
            ]
            for number, run in enumerate(clicks, 1):
                steps = ", ".join(
                    f"{t['rate']} → {t['rps']:.0f}/s {t['p99']:.0f} ms" for t in run["tried"]
                )
                lines.append(f"- run {number}: {steps}")
            lines += [
                "",
                f"**One core carries about {learners:.0f} learners clicking once every "
                f"{CLICK_EVERY_S} s at p99 ≤ {P99_PROMISE_MS} ms** (the highest rate served "
                f"within it × {CLICK_EVERY_S} s, median of runs).",
            ]
        lines.append("")
    memory = raw.get("memory")
    if memory:
        lines += [
            "### What takes the memory (benchmarks/memory.py, lab install, one process)",
            "",
            "| stage | starter: RSS | added | " + f"{meta['lessons']} × 2: RSS | added |",
            "|---|---:|---:|---:|---:|",
        ]
        for a, b in zip(memory["starter"]["stages"], memory["generated"]["stages"], strict=True):
            stage = re.sub(r" \(\d+\)", "", a["stage"])
            lines.append(
                f"| {stage} | {a['rss_mb']:.1f} MB | {a['delta_mb']:+.1f} | "
                f"{b['rss_mb']:.1f} MB | {b['delta_mb']:+.1f} |"
            )
        libraries = sorted(memory["starter"]["libraries_mb"].items(), key=lambda x: -x[1])
        lines += [
            "",
            "Libraries, each one's own import (what an earlier one already loaded is not "
            "counted again): "
            + ", ".join(f"{n} {mb:.1f} MB" for n, mb in libraries if mb >= 0.3)
            + ".",
            f"The lessons as Python objects (tracemalloc): "
            f"{memory['starter']['catalogue_python_objects_mb']:.1f} MB for the starter lessons, "
            f"{memory['generated']['catalogue_python_objects_mb']:.1f} MB for "
            f"{meta['lessons']} × 2."
            + (
                f" With the PostgreSQL driver installed (the `postgresql` extra), peewee's "
                f"import loads it: {memory['postgresql_driver_mb']:.1f} MB instead of "
                f"{memory['starter']['libraries_mb'].get('peewee', 0):.1f} MB."
                if "postgresql_driver_mb" in memory
                else ""
            ),
            "",
        ]
    postgres = raw.get("postgres")
    if postgres:
        ceiling = fig["postgres ceiling"]["rps"]
        lines += [
            "### Several processes on one PostgreSQL database behind Caddy (two cores)",
            "",
            f"Ceiling in the same runs: {ceiling:.0f} requests/s (one process, direct).",
            "",
            "| processes | page | requests/s | × ceiling | p50 ms | p99 ms |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        for key, f in fig.items():
            match = re.match(r"postgres (\d+) process (\w+)", key)
            if match:
                lines.append(
                    f"| {match.group(1)} | {LABELS[match.group(2)]} | {f['rps']:.0f} | "
                    f"{f['ratio']:.2f} | {f['p50']:.1f} | {f['p99']:.1f} |"
                )
        lines += [
            "",
            "Caddyfile measured:",
            "",
            "```",
            postgres["runs"][0]["caddyfile"].rstrip(),
            "```",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
