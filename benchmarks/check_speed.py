"""How long `coursesite lessons check` takes on a few hundred lessons.

Builds a lessons folder of COUNT lesson ids in French and English (so 2 × COUNT lesson.md
files) by copying the starter lessons with their screenshots, then times check_lessons()
over it several times and prints the median. Run from the project root:

    .venv/bin/python benchmarks/check_speed.py          # 150 ids: 300 lesson files
    .venv/bin/python benchmarks/check_speed.py 300      # 600 lesson files

A benchmark, not a test: the figure depends on the machine. Target: well under a second
for a few hundred lessons. Measured on the 2-core development machine (2026-11-26): 300
lesson files in 0.58–0.75 s (two worker processes); one process takes about 3.5 ms a file,
most of it markdown-it's block parse and reading each screenshot's header.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coursesite.lessons.checks.check import CheckSettings  # noqa: E402
from coursesite.lessons.checks.folder_check import check_lessons  # noqa: E402

STARTER = ROOT / "lessons"


def build_folder(target: Path, count: int) -> int:
    """Fill target with `count` lesson ids per language; return the number of lesson.md."""
    sources = sorted(p.name for p in (STARTER / "fr").iterdir() if p.is_dir())
    files = 0
    for lang in ("fr", "en"):
        for number in range(count):
            source = STARTER / lang / sources[number % len(sources)]
            folder = target / lang / f"lecon-{number:04d}"
            folder.mkdir(parents=True)
            for item in source.iterdir():
                # Hard links: real files for Pillow to open, without copying megabytes.
                (folder / item.name).hardlink_to(item)
            files += 1
    paths = "\n".join(f"    - lecon-{n:04d}" for n in range(count))
    (target / "paths.yml").write_text(
        f"- id: tout\n  title: {{fr: Tout, en: All}}\n  lessons:\n{paths}\n", encoding="utf-8"
    )
    return files


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "lessons"
        files = build_folder(root, count)
        timings, problems = [], []
        for _ in range(5):
            start = time.perf_counter()
            problems = check_lessons(root, CheckSettings(), parallel=True)
            timings.append(time.perf_counter() - start)
        errors = sum(p.severity == "error" for p in problems)
        print(
            f"{files} lesson files: median {statistics.median(timings) * 1000:.0f} ms "
            f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}) over "
            f"{len(timings)} runs; {errors} errors, {len(problems) - errors} warnings"
        )


if __name__ == "__main__":
    main()
