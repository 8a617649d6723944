"""Checks inside one lesson that loads: images, links, raw HTML, dates, unknown fields."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

from coursesite.lessons.files import IMAGE_SUFFIXES, safe_media_path
from coursesite.lessons.highlights import parse_highlight
from coursesite.lessons.loader import FIELDS, ParsedLesson, field_line
from coursesite.lessons.markdown import IMAGE_ATTRIBUTES, LESSON_LINK
from coursesite.lessons.model import Problem
from coursesite.lessons.refs import ImageRef, LinkRef, find_references
from coursesite.lessons.sanitize import removed_by_sanitiser

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
SITE_LESSON_PATH = re.compile(r"/([a-z]{2})/lessons/([^/?#]+)")
RAW_IMG = re.compile(r"<img\b", re.IGNORECASE)


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


def months_before(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` months earlier (the month's last day if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


def check_front_matter(parsed: ParsedLesson, settings: CheckSettings) -> list[Problem]:
    """Warn about unknown fields (likely typos) and an `updated` date gone stale."""
    path, problems = parsed.lesson.path, []
    for name in parsed.meta:
        if name not in FIELDS:
            known = ", ".join(FIELDS)
            message = f"front matter: unknown field `{name}` (the fields are {known})"
            problems.append(Problem(path, field_line(parsed.front, str(name)), message, "warning"))
    updated = parsed.lesson.updated
    if updated and updated < months_before(settings.today, settings.stale_months):
        message = (
            f"`updated` is {updated}, more than {settings.stale_months} months ago: check that "
            "the screenshots still match the real screens, then change the date"
        )
        problems.append(Problem(path, field_line(parsed.front, "updated"), message, "warning"))
    return problems


class ImageChecker:
    """Check images, reading each file's header at most once per run."""

    def __init__(self, settings: CheckSettings):
        self.settings = settings
        self._facts: dict[Path, tuple[int, tuple[int, int] | None, str | None]] = {}
        self._real_folders: dict[Path, Path] = {}
        self._verdicts: dict[tuple, list[tuple[str, str]]] = {}

    def facts(self, path: Path) -> tuple[int, tuple[int, int] | None, str | None]:
        """Return (bytes, (width, height) or None, error) without decoding the pixels."""
        if path not in self._facts:
            size, dimensions, error = path.stat().st_size, None, None
            try:
                with Image.open(path) as image:  # reads the header only
                    dimensions = image.size
            except Image.DecompressionBombError:
                error = "is too large to open safely (a decompression bomb?)"
            except (OSError, UnidentifiedImageError, ValueError):
                error = "is not a readable picture (damaged, or not really an image)"
            self._facts[path] = (size, dimensions, error)
        return self._facts[path]

    def check(self, folder: Path, lesson_md: Path, ref: ImageRef) -> list[Problem]:
        """Return the problems of one image reference."""
        # The same picture is often shown several times: check it once per way it is shown.
        key = (folder, ref.src, bool(ref.alt), ref.highlight, ref.unknown_attributes)
        if key not in self._verdicts:
            self._verdicts[key] = self._check(folder, ref)
        return [Problem(lesson_md, ref.line, m, s) for m, s in self._verdicts[key]]

    def _check(self, folder: Path, ref: ImageRef) -> list[tuple[str, str]]:
        problems = []

        def report(message, severity="error"):
            problems.append((message, severity))

        name = f"image `{ref.src}`"
        if not ref.alt:
            report(f"{name} has no alt text: describe what it shows, ![like this]({ref.src})")
        for attribute in ref.unknown_attributes:
            known = " and ".join(IMAGE_ATTRIBUTES)
            report(f"{name}: unknown attribute `{attribute}` (only {known})", "warning")
        if ref.highlight is not None:
            try:
                parse_highlight(ref.highlight)
            except ValueError as exc:
                report(f"{name}: {exc}")
            if ref.src.lower().endswith(".gif"):
                report(f"{name}: highlights are not drawn on GIF pictures", "warning")
        parts = urlsplit(ref.src)
        if parts.scheme or parts.netloc:
            report(f"{name} is not in the lesson folder: save it beside lesson.md")
            return problems
        relative = PurePosixPath(unquote(parts.path))
        if relative.is_absolute() or ".." in relative.parts:
            report(f"{name} points outside the lesson folder: keep pictures beside lesson.md")
            return problems
        if relative.suffix.lower() not in IMAGE_SUFFIXES:
            report(f"{name} is not a PNG, JPEG, WebP or GIF picture")
            return problems
        if folder not in self._real_folders:
            self._real_folders[folder] = Path(os.path.realpath(folder))
        path = safe_media_path(folder, ref.src, self._real_folders[folder])
        if path is None:
            if (folder / relative).exists():
                report(f"{name} is hidden or a link outside the lesson folder: copy it here")
            else:
                report(f"{name} not found in {folder.name}/ (names are case-sensitive)")
            return problems
        size, dimensions, error = self.facts(path)
        if error:
            report(f"{name} {error}")
            return problems
        width, height = dimensions
        if width * height > self.settings.image_max_pixels:
            limit = self.settings.image_max_pixels
            report(f"{name} is {width}×{height} pixels (limit {limit:,} pixels): make it smaller")
        if size > self.settings.image_max_bytes:
            limit = self.settings.image_max_bytes // 1000
            report(
                f"{name} weighs {size // 1000:,} KB (limit {limit:,} KB): learners who open it "
                "full size pay for it; crop it or save it as JPEG/WebP",
                "warning",
            )
        return problems


def check_link(lesson_md: Path, lang: str, link: LinkRef) -> tuple[list[Problem], list]:
    """Return the problems of one link, and the lesson links to check later."""
    href = link.href
    lesson_link = LESSON_LINK.fullmatch(href)
    if lesson_link:
        return [], [LessonLink(lesson_md, link.line, lang, lesson_link.group(1), href)]
    if href.startswith("lesson:"):
        message = f"link `{href}`: write lesson:ID, with the lesson's folder name as ID"
        return [Problem(lesson_md, link.line, message)], []
    parts = urlsplit(href)
    if parts.scheme:
        if parts.scheme.lower() in SAFE_SCHEMES:
            return [], []
        message = f"link `{href}` will be removed: only https:, mailto:, tel: and lesson: work"
        return [Problem(lesson_md, link.line, message)], []
    if href.startswith("//") or href.startswith("#") or not href:
        return [], []
    if href.startswith("/"):
        site = SITE_LESSON_PATH.match(parts.path)
        if site:
            written = LessonLink(lesson_md, link.line, site.group(1), unquote(site.group(2)), href)
            return [], [written]
        return [], []
    if ".." in PurePosixPath(unquote(parts.path)).parts:
        message = f"link `{href}` points outside the lesson folder: use [text](lesson:ID)"
    else:
        message = f"link `{href}` leads nowhere on the site: use lesson:ID or an https:// address"
    return [Problem(lesson_md, link.line, message)], []


def check_lesson_content(
    parsed: ParsedLesson, settings: CheckSettings, images: ImageChecker
) -> tuple[list[Problem], list[LessonLink]]:
    """Return the problems of one loaded lesson, and its links to other lessons."""
    lesson = parsed.lesson
    problems = check_front_matter(parsed, settings)
    refs = find_references(parsed.tokens, parsed.env, parsed.first_line)
    for ref in refs.images:
        problems.extend(images.check(lesson.folder, lesson.path, ref))
    lesson_links = []
    for link in refs.links:
        found, later = check_link(lesson.path, lesson.lang, link)
        problems.extend(found)
        lesson_links.extend(later)
    for line, length in refs.too_long:
        message = f"a paragraph of {length:,} characters is too long to check: split it"
        problems.append(Problem(lesson.path, line, message, "warning"))
    for raw in refs.html:
        if RAW_IMG.search(raw.html):
            message = "a raw <img> does not find the lesson's pictures: write ![alt text](file.png)"
            problems.append(Problem(lesson.path, raw.line, message, "warning"))
        for offset, what in removed_by_sanitiser(raw.html):
            message = f"raw HTML: {what} will be removed; learners will not see it"
            problems.append(Problem(lesson.path, raw.line + offset - 1, message, "warning"))
    return problems, lesson_links
