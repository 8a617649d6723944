"""Checks inside one lesson: what they share (settings, context), front matter, pictures.

Each check is a function (parsed lesson, CheckContext) -> problems, listed in
`coursesite.lessons.checks.check.LESSON_CHECKS`; the links and raw HTML are checked in
link_check.py. Lesson links are collected in the context and checked once every lesson is
known.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

from coursesite.lessons.files import IMAGE_SUFFIXES, safe_media_path
from coursesite.lessons.pictures.highlights import (
    LABEL_SEPARATOR,
    HighlightError,
    labels_per_box,
    parse_highlight,
)
from coursesite.lessons.problems import N_, Problem
from coursesite.lessons.reading.loader import FIELDS, ParsedLesson, field_line
from coursesite.lessons.reading.refs import ImageRef, References, find_references


@dataclass(frozen=True)
class CheckSettings:
    """What `lessons check` compares against; from the app's config in the CLI."""

    languages: tuple[str, ...] = ("fr", "en")
    image_max_bytes: int = 500_000
    image_max_pixels: int = 4096 * 4096
    stale_months: int = 12
    today: dt.date = field(default_factory=dt.date.today)

    @classmethod
    def from_config(cls, config) -> CheckSettings:
        return cls(
            languages=tuple(config["LANGUAGES"]),
            image_max_bytes=config["LESSON_IMAGE_MAX_BYTES"],
            image_max_pixels=config["LESSON_IMAGE_MAX_PIXELS"],
            stale_months=config["LESSON_STALE_MONTHS"],
        )


@dataclass(frozen=True)
class LessonLink:
    """A link from one lesson to another, checked once every lesson is known."""

    path: Path
    line: int
    lang: str  # the language the link leads to
    lesson_id: str
    written: str


@dataclass
class CheckContext:
    """What the per-lesson checks share: settings, the picture cache, what they collect."""

    settings: CheckSettings
    images: ImageChecker
    links: list[LessonLink] = field(default_factory=list)  # checked once all lessons are known
    _refs: dict = field(default_factory=dict)

    def references(self, parsed: ParsedLesson) -> References:
        """Return the pictures, links and raw HTML of a lesson, found once for every check."""
        key = id(parsed)
        if key not in self._refs:
            self._refs = {key: find_references(parsed.tokens, parsed.env, parsed.first_line)}
        return self._refs[key]


def months_before(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` months earlier (the month's last day if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


def check_front_matter(parsed: ParsedLesson, context: CheckContext) -> list[Problem]:
    """Warn about unknown fields (likely typos), and an `updated` date missing or stale."""
    path, problems, settings = parsed.lesson.path, [], context.settings
    for name in parsed.meta:
        if name not in FIELDS:
            message = N_(
                "`%(field)s` is not a field the site knows (%(known)s): check its spelling"
            )
            params = {"field": name, "known": ", ".join(FIELDS)}
            problems.append(
                Problem(path, field_line(parsed.front, name), message, "warning", params)
            )
    updated = parsed.lesson.updated
    if parsed.meta and "updated" not in parsed.meta:  # (not when the fields cannot be read)
        message = N_(
            "the lesson has no `updated` date: once you have checked that its screenshots match "
            "the real screens, add a line like updated: %(today)s"
        )
        problems.append(Problem(path, 1, message, "warning", {"today": settings.today.isoformat()}))
    elif updated and updated < months_before(settings.today, settings.stale_months):
        message = N_(
            "`updated` is %(date)s, more than %(months)s months ago: check that the screenshots "
            "still match the real screens, then change the date"
        )
        params = {"date": updated.isoformat(), "months": settings.stale_months}
        problems.append(
            Problem(path, field_line(parsed.front, "updated"), message, "warning", params)
        )
    return problems


class ImageChecker:
    """Check images, reading each file's header at most once per run."""

    def __init__(self, settings: CheckSettings):
        self.settings = settings
        self._facts: dict[tuple, tuple[int, tuple[int, int] | None, str | None]] = {}
        self._real_folders: dict[Path, Path] = {}

    def facts(self, path: Path) -> tuple[int, tuple[int, int] | None, str | None]:
        """Return (bytes, (width, height) or None, error msgid) without decoding the pixels."""
        stat = path.stat()
        key = (path, stat.st_mtime_ns, stat.st_size)  # a long-lived checker sees edits
        if key not in self._facts:
            dimensions, error = None, None
            try:
                with Image.open(path) as image:  # reads the header only
                    dimensions = image.size
            except Image.DecompressionBombError:
                error = N_(
                    "picture `%(src)s` is too large to open safely: save a smaller screenshot"
                )
            except (OSError, UnidentifiedImageError, ValueError):
                error = N_(
                    "picture `%(src)s` cannot be opened (damaged, or not really a picture): "
                    "save the screenshot again"
                )
            self._facts[key] = (stat.st_size, dimensions, error)
        return self._facts[key]

    def check(self, folder: Path, lesson_md: Path, ref: ImageRef) -> list[Problem]:
        """Return the problems of one image reference."""
        verdict = self._check(folder, ref)
        return [Problem(lesson_md, ref.line, m, s, p) for m, s, p in verdict]

    def _check(self, folder: Path, ref: ImageRef) -> list[tuple[str, str, dict]]:
        problems = []

        def report(message, severity="error", **params):
            problems.append((message, severity, {"src": ref.src, **params}))

        if not ref.alt:
            report(
                N_(
                    "picture `%(src)s` has no alt text, so people who cannot see it miss what "
                    "it shows: describe it between the brackets, like ![What it shows](%(src)s)"
                )
            )
        for attribute in ref.unknown_attributes:
            report(
                N_(
                    "picture `%(src)s`: `%(attribute)s` is not understood (only highlight and "
                    "label)"
                ),
                "warning",
                attribute=attribute,
            )
        if ref.highlight is not None:
            try:
                boxes = parse_highlight(ref.highlight)
            except HighlightError as exc:
                problems.append((exc.msgid, "error", exc.params))
            else:
                labels = labels_per_box(ref.label)
                if LABEL_SEPARATOR in (ref.label or "") and len(labels) > len(boxes):
                    report(
                        N_(
                            "picture `%(src)s`: %(labels)s labels for %(boxes)s boxes: give "
                            "each box one label, in the same order, separated by |"
                        ),
                        "warning",
                        labels=len(labels),
                        boxes=len(boxes),
                    )
            if ref.src.lower().endswith(".gif"):
                report(N_("picture `%(src)s`: highlights are not drawn on GIF pictures"), "warning")
        parts = urlsplit(ref.src)
        if parts.scheme or parts.netloc:
            report(
                N_(
                    "picture `%(src)s` is on another site, and the site shows only its own "
                    "pictures: save it beside lesson.md and write its file name"
                )
            )
            return problems
        relative = PurePosixPath(unquote(parts.path))
        if relative.is_absolute() or ".." in relative.parts:
            report(
                N_(
                    "picture `%(src)s` is outside the lesson folder: save it beside lesson.md "
                    "and write its file name"
                )
            )
            return problems
        if relative.suffix.lower() not in IMAGE_SUFFIXES:
            report(
                N_("`%(src)s` is not a PNG, JPEG, WebP or GIF picture: save the screenshot as PNG")
            )
            return problems
        if folder not in self._real_folders:
            self._real_folders[folder] = Path(os.path.realpath(folder))
        path = safe_media_path(folder, ref.src, self._real_folders[folder])
        if path is None:
            if (folder / relative).exists():
                report(
                    N_(
                        "picture `%(src)s` is hidden, or a link to a file outside the lesson "
                        "folder: copy the picture itself here"
                    )
                )
            else:
                report(
                    N_(
                        "picture `%(src)s` is not in the folder %(folder)s/: check its name "
                        "(capitals count) or copy the picture there"
                    ),
                    folder=folder.name,
                )
            return problems
        try:
            size, dimensions, error = self.facts(path)
        except OSError:
            size, dimensions, error = 0, None, None
        if error or dimensions is None:
            report(error or N_("picture `%(src)s` cannot be read: copy it again"))
            return problems
        width, height = dimensions
        if width * height > self.settings.image_max_pixels:
            report(
                N_(
                    "picture `%(src)s` is %(width)s×%(height)s pixels (at most %(limit)s pixels): "
                    "make it smaller"
                ),
                width=str(width),
                height=str(height),
                limit=self.settings.image_max_pixels,
            )
        if size > self.settings.image_max_bytes:
            report(
                N_(
                    "picture `%(src)s` weighs %(size)s KB (at most %(limit)s KB): learners who "
                    "open it full size pay for it; crop it or save it as JPEG or WebP"
                ),
                "warning",
                size=size // 1000,
                limit=self.settings.image_max_bytes // 1000,
            )
        return problems


def check_images(parsed: ParsedLesson, context: CheckContext) -> list[Problem]:
    """Check every picture of the lesson: there, readable, described, not too large."""
    lesson, problems = parsed.lesson, []
    for ref in context.references(parsed).images:
        problems.extend(context.images.check(lesson.folder, lesson.path, ref))
    return problems
