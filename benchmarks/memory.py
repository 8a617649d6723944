"""What takes coursesite's memory: resident size after each stage of a start, measured.

Usage: .venv/bin/python benchmarks/memory.py [LESSONS]   (prints one JSON document)

In this fresh interpreter it measures the resident set size (RSS, what the machine really
gives the process) after: the interpreter alone; the libraries coursesite imports; its own
modules; `create_app` (settings, database, lesson catalogue, search index); the first view of
each kind of page (templates compiled, the page caches' first entries); then a view of every
step of up to 200 lessons (the page caches filling). tracemalloc says
how much the lesson catalogue's Python objects take, and each library's own import adds.
"""

import gc
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LESSONS_VIEWED = 200  # lesson files whose every step is viewed (bounded: 2,000 take minutes)
# The libraries coursesite's own modules import, heaviest first (measured together).
LIBRARIES = [
    "flask",
    "jinja2",
    "werkzeug",
    "flask_babel",
    "babel",
    "flask_wtf",
    "wtforms",
    "flask_login",
    "brotli",
    "peewee",
    "playhouse.sqlite_ext",
    "markdown_it",
    "mdit_py_plugins",
    "bleach",
    "PIL.Image",
    "yaml",
    "segno",
    "waitress",
]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    lessons = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "lessons"
    stages = [("interpreter", rss_mb())]
    import importlib

    libraries = {}
    for name in LIBRARIES:
        before = rss_mb()
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        libraries[name] = round(rss_mb() - before, 1)
    stages.append(("libraries", rss_mb()))
    import coursesite  # noqa: F401
    from coursesite import create_app, services
    from coursesite.lessons.publishing.catalogue import Catalogue

    for module in list(sys.modules):
        if module.startswith("coursesite."):
            importlib.import_module(module)
    stages.append(("coursesite modules", rss_mb()))
    with tempfile.TemporaryDirectory() as instance:
        began = time.monotonic()
        app = create_app(
            {"INSTANCE_PATH": instance, "LESSONS": str(lessons), "LESSONS_RELOAD_INTERVAL": 3600}
        )
        startup = time.monotonic() - began
        gc.collect()
        stages.append(("create_app", rss_mb()))
        client = app.test_client()
        catalogue = services.catalogue(app)
        # A first start on many lessons checks them in another process: wait for it, so that
        # what follows measures the site as it serves every lesson.
        catalogue.wait_checked(600)
        checked = time.monotonic() - began
        first = next(iter(catalogue.lessons("fr")))
        for path in (
            "/fr/",
            f"/fr/lessons/{first.id}/",
            f"/fr/lessons/{first.id}/1",
            "/fr/search?q=a",
        ):
            assert client.get(path).status_code == 200, path
        gc.collect()
        stages.append(("first page of each kind", rss_mb()))
        steps = 0
        for lang in catalogue.languages:
            for lesson in catalogue.lessons(lang)[: MAX_LESSONS_VIEWED // 2]:
                for number in range(1, len(lesson.steps) + 1):
                    client.get(f"/{lang}/lessons/{lesson.id}/{number}")
                    steps += 1
        gc.collect()
        stages.append(
            (f"every step of {MAX_LESSONS_VIEWED} lessons at most viewed ({steps})", rss_mb())
        )
        # The lessons as Python objects: a second catalogue of the same folder, traced, as a
        # server holds them (read from the published versions the first one kept), then as a
        # catalogue holds them just after checking every lesson itself (no store).
        tracemalloc.start()
        again = Catalogue(lessons, catalogue.languages, 3600, store=catalogue.store)
        catalogue_mb = tracemalloc.get_traced_memory()[0] / 1024 / 1024
        tracemalloc.stop()
        lesson_files = len(again.current().lessons)
        del again
        gc.collect()
        tracemalloc.start()
        again = Catalogue(lessons, catalogue.languages, 3600)
        checked_mb = tracemalloc.get_traced_memory()[0] / 1024 / 1024
        tracemalloc.stop()
        del again
    result = {
        "lessons": str(lessons),
        "lesson_files": lesson_files,
        "create_app_s": round(startup, 3),
        "every_lesson_checked_s": round(checked, 3),
        "stages": [
            {"stage": name, "rss_mb": round(value, 1), "delta_mb": round(value - previous, 1)}
            for (name, value), previous in zip(
                stages, [0] + [v for _, v in stages[:-1]], strict=True
            )
        ],
        "catalogue_python_objects_mb": round(catalogue_mb, 1),
        "catalogue_just_checked_python_objects_mb": round(checked_mb, 1),
        "libraries_mb": libraries,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
