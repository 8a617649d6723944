"""Read a lesson's YAML front matter, turning YAML's errors into sentences staff can act on.

PyYAML stops at the first slip and says "mapping values are not allowed here". Staff write a
handful of simple `name: value` lines, so when YAML fails, each line is looked at on its own
for the usual slips (a colon inside a value, a tab, no space after the colon, a quote or a
list left open), and every one found is reported with the corrected line to write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

import yaml

from coursesite.lessons.problems import N_, Problem

# libyaml's safe loader when PyYAML has it: same rules, several times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FRONT_MATTER_BYTES = 20_000
FIELD_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(.*)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Characters that mean something to YAML at the start of a value.
INDICATORS = "&*!|>%@`{}"

# name: required
FIELDS = {
    "title": True,
    "summary": True,
    "duration": True,
    "level": False,
    "topics": False,
    "updated": False,
    "draft": False,
}
MISSING = {
    "title": N_("the lesson has no title: add a line like title: Create an email address"),
    "summary": N_(
        "the lesson has no summary: add a line summary: followed by one sentence that says "
        "what the learner will learn"
    ),
    "duration": N_(
        "the lesson has no duration: add a line duration: followed by the minutes it takes, "
        "like duration: 20"
    ),
}
WRONG = {
    "title": N_('`title` must be a text: write it between quotes, like title: "%(found)s"'),
    "summary": N_('`summary` must be a text: write it between quotes, like summary: "%(found)s"'),
    "duration": N_(
        "`duration` must be a whole number of minutes, like duration: 20 (not %(found)s)"
    ),
    "level": N_("`level` must be 1, 2 or 3 (1 for beginners; not %(found)s)"),
    "topics": N_(
        "`topics` must be a list of words between brackets, like topics: [courriel, photos]"
    ),
    "updated": N_("`updated` must be a date written year-month-day, like updated: 2026-11-20"),
    "draft": N_("`draft` must be true or false (not %(found)s)"),
}


def field_line(front: str, name: str) -> int:
    """Return the file line of `name:` in the front matter, or 1."""
    for number, line in enumerate(front.split("\n"), start=2):
        if line.startswith(f"{name}:"):
            return number
    return 1


def quoted(value: str) -> str:
    """Return value as a YAML quoted string, the way staff would type it."""
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _closes(value: str, quote: str) -> int:
    """Return the index of the quote that closes a value opened with `quote`, or -1."""
    index = 1
    while index < len(value):
        char = value[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and value[index + 1 : index + 2] == "'":
                index += 2  # '' is a quote inside a single-quoted value
                continue
            return index
        index += 1
    return -1


def line_slips(path: Path, front: str) -> list[Problem]:
    """Return the usual slips of each front matter line, with the corrected line to write."""
    problems = []
    for number, line in enumerate(front.split("\n"), start=2):

        def report(msgid, **params):
            problems.append(Problem(path, number, msgid, "error", params))  # noqa: B023

        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if "\t" in line:
            report(N_("this line contains a tab: replace it with spaces"))
            continue
        if line[0] == " " or stripped.startswith("- "):
            continue  # the inside of a list or of a long text: YAML's message will do
        match = FIELD_LINE.fullmatch(line)
        if not match:
            report(
                N_(
                    "this line is not a field: write a name, a colon, a space and the value, "
                    "like title: Create an email address"
                )
            )
            continue
        name, rest = match.group(1), match.group(2)
        value = rest.strip()
        if not value:
            continue
        fixed_value = value
        if not rest.startswith((" ", "\t")):
            report(N_("write a space after the colon: %(fixed)s"), fixed=f"{name}: {value}")
            continue
        if value[0] in "\"'":
            end = _closes(value, value[0])
            if end < 0:
                fixed = f"{name}: {value}{value[0]}"
                report(
                    N_(
                        "the quote that opens `%(field)s` is not closed: end the value with the "
                        "same quote, on the same line: %(fixed)s"
                    ),
                    field=name,
                    fixed=fixed,
                )
            elif value[end + 1 :].strip() and not value[end + 1 :].strip().startswith("#"):
                report(
                    N_(
                        "`%(field)s` starts with a quote, so the quote must close the whole "
                        "value: %(fixed)s"
                    ),
                    field=name,
                    fixed=f"{name}: {quoted(value)}",
                )
            continue
        if value[0] == "[":
            if "]" not in value:
                report(
                    N_(
                        "the list of `%(field)s` is not closed: end it with ] on the same "
                        "line: %(fixed)s"
                    ),
                    field=name,
                    fixed=f"{name}: {value}]",
                )
            continue
        if ": " in value or value.endswith(":"):
            report(
                N_("`%(field)s` contains “: ”, so it must be written between quotes: %(fixed)s"),
                field=name,
                fixed=f"{name}: {quoted(fixed_value)}",
            )
        elif value[0] in INDICATORS or value.startswith("- "):
            report(
                N_(
                    "`%(field)s` starts with “%(char)s”, which means something else in the "
                    "front matter: write the value between quotes: %(fixed)s"
                ),
                field=name,
                char=value[0],
                fixed=f"{name}: {quoted(value)}",
            )
    return problems


def comment_slips(path: Path, front: str, data: dict) -> list[Problem]:
    """Warn about text values cut short by ` #`, which YAML reads as the start of a note."""
    problems = []
    for number, line in enumerate(front.split("\n"), start=2):
        match = FIELD_LINE.fullmatch(line)
        if not match or " #" not in match.group(2):
            continue
        value = match.group(2).strip()
        if value[:1] in "\"'[{" or not isinstance(data.get(match.group(1)), str):
            continue
        problems.append(
            Problem(
                path,
                number,
                N_(
                    "`%(field)s` contains “ #”, and everything after the # is ignored: to keep "
                    "it, write the value between quotes: %(fixed)s"
                ),
                "warning",
                {"field": match.group(1), "fixed": f"{match.group(1)}: {quoted(value)}"},
            )
        )
    return problems


def yaml_problem(path: Path, exc: yaml.YAMLError) -> Problem:
    """Return YAML's own complaint, at the line where what failed was opened."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    line = mark.line + 2 if mark else 2
    reason = getattr(exc, "problem", None) or "invalid YAML"
    return Problem(
        path,
        line,
        N_(
            "the front matter cannot be read from this line on (%(reason)s): compare it with "
            "the example at the top of the writing guide"
        ),
        "error",
        {"reason": reason},
    )


def _text_of(value) -> str:
    return " ".join(str(value).split())[:60]


def check_fields(path: Path, front: str, data: dict) -> tuple[dict, list[Problem]]:
    """Return the fields with usable values, and a problem for each one that is wrong."""
    problems, meta = [], {}

    def report(name, msgid, severity="error", **params):
        problems.append(Problem(path, field_line(front, name), msgid, severity, params))

    for name, required in FIELDS.items():
        value = data.get(name)
        if value is None:
            if required:
                problems.append(Problem(path, 1, MISSING[name]))
            continue
        if name in ("title", "summary"):
            if not isinstance(value, str):
                report(name, WRONG[name], found=_text_of(value))
            elif not value.strip():
                report(name, N_("`%(field)s` is empty: write it after the colon"), field=name)
            else:
                meta[name] = value.strip()
        elif name in ("duration", "level"):
            if isinstance(value, bool) or not isinstance(value, int):
                report(name, WRONG[name], found=_text_of(value))
            elif name == "duration" and not 0 < value <= 600:
                report(
                    name,
                    N_("`duration` must be between 1 and 600 minutes (not %(found)s)"),
                    found=str(value),
                )
            elif name == "level" and value not in (1, 2, 3):
                report(name, WRONG[name], found=str(value))
            else:
                meta[name] = value
        elif name == "topics":
            words = value if isinstance(value, list) else None
            if words is None or not all(
                isinstance(t, str | int) and not isinstance(t, bool) for t in words
            ):
                report(name, WRONG[name])
            else:
                meta[name] = tuple(str(t).strip() for t in words if str(t).strip())
        elif name == "updated":
            # `updated: "2026-11-20"` (quoted) is the same date as without quotes.
            if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
                with contextlib.suppress(ValueError):
                    value = dt.date.fromisoformat(value.strip())
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                report(name, WRONG[name])
            else:
                meta[name] = value
        elif name == "draft":
            if not isinstance(value, bool):
                report(name, WRONG[name], found=_text_of(value))
            else:
                meta[name] = value
    return meta, problems


def parse_front_matter(path: Path, front: str) -> tuple[dict, dict, list[Problem]]:
    """Return (every field as written, the usable fields, problems) of the front matter."""
    if len(front.encode()) > MAX_FRONT_MATTER_BYTES:
        message = N_("the front matter is too long: keep only the fields of the writing guide")
        return {}, {}, [Problem(path, 2, message)]
    try:
        data = yaml.load(front, Loader=YAML_LOADER)  # noqa: S506 — a safe loader
    except yaml.YAMLError as exc:
        return {}, {}, line_slips(path, front) or [yaml_problem(path, exc)]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        slips = line_slips(path, front)
        message = N_("the front matter must be fields, one per line, like title: …")
        return {}, {}, slips or [Problem(path, 2, message)]
    data = {str(name): value for name, value in data.items()}
    meta, problems = check_fields(path, front, data)
    return data, meta, comment_slips(path, front, data) + problems
