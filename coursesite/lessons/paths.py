"""Named lesson paths from lessons/paths.yml."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from coursesite.lessons.files import file_stamp
from coursesite.lessons.problems import N_, Problem

MAX_BYTES = 200_000


@dataclass(frozen=True)
class LessonPath:
    """An ordered list of lessons with a title and description per language."""

    id: str
    titles: dict
    descriptions: dict
    lesson_lines: tuple[tuple[str, int], ...]  # (lesson id, line in paths.yml)
    # `lesson_certificates: true`: each lesson of the path also gives its own certificate.
    lesson_certificates: bool = False

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(lesson_id for lesson_id, _ in self.lesson_lines)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or next(iter(self.titles.values()), self.id)

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or ""


class PathsFile:
    """A folder's paths.yml, read again only when it changes (a catalogue's)."""

    def __init__(self, path: Path):
        self.path = path
        self.paths: tuple[LessonPath, ...] = ()
        self.problems: list[Problem] = []
        self._signature = None  # no file

    def changed(self) -> bool:
        """Read the file again if it changed, appeared or went; return True if so."""
        signature = file_stamp(self.path)
        if signature == self._signature:
            return False
        self._signature = signature
        self.paths, self.problems = load_paths(self.path) if signature else ((), [])
        return True


def load_paths(path: Path) -> tuple[tuple[LessonPath, ...], list[Problem]]:
    """Return the paths that make sense and a problem for each thing that does not."""
    try:
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            return (), [Problem(path, 1, N_("paths.yml is too large: keep it under 200 KB"))]
        nodes = yaml.compose(data.decode("utf-8"), Loader=yaml.SafeLoader)
        items = yaml.safe_load(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        message = N_("cannot read paths.yml (%(reason)s): save it as UTF-8 text")
        return (), [Problem.unreadable(path, exc, message)]
    except yaml.YAMLError as exc:
        message = N_(
            "paths.yml cannot be read from this line on (%(reason)s): compare it with the "
            "example in the writing guide"
        )
        return (), [Problem.broken_yaml(path, exc, message)]
    if items is None:
        return (), []
    if not isinstance(items, list):
        message = N_("paths.yml must be a list of paths, each starting with a line - id: …")
        return (), [Problem(path, 1, message)]
    paths, problems, seen = [], [], set()
    for item, node in zip(items, nodes.value, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(Problem(path, line, N_("each path needs an `id`: add a line - id: …")))
            continue
        lessons = item.get("lessons")
        titles = item.get("title")
        if not isinstance(titles, dict) or not all(isinstance(v, str) for v in titles.values()):
            message = N_("path `%(path)s`: `title` needs a line fr: and a line en: under it")
            problems.append(Problem(path, line, message, "error", {"path": item["id"]}))
            continue
        if not isinstance(lessons, list) or not all(isinstance(x, str) for x in lessons):
            message = N_(
                "path `%(path)s`: `lessons` must be a list of lesson ids, one per line - …"
            )
            problems.append(Problem(path, line, message, "error", {"path": item["id"]}))
            continue
        if item["id"] in seen:
            message = N_("path id `%(path)s` is used twice: give each path its own id")
            problems.append(Problem(path, line, message, "error", {"path": item["id"]}))
            continue
        seen.add(item["id"])
        lesson_nodes = dict(
            (k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)
        ).get("lessons")
        lines = [n.start_mark.line + 1 for n in lesson_nodes.value] if lesson_nodes else []
        descriptions = item.get("description") if isinstance(item.get("description"), dict) else {}
        if item.get("lesson_certificates") not in (None, True, False):
            message = f"path `{item['id']}`: `lesson_certificates` must be true or false"
            problems.append(Problem(path, line, message))
        paths.append(
            LessonPath(
                id=item["id"],
                titles={str(k): v for k, v in titles.items()},
                descriptions={str(k): str(v) for k, v in descriptions.items()},
                lesson_lines=tuple(zip(lessons, lines or [line] * len(lessons), strict=True)),
                lesson_certificates=item.get("lesson_certificates") is True,
            )
        )
    return tuple(paths), problems
