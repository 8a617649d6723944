"""Checks inside one lesson: front matter, pictures, links, raw HTML.

Each check is a function (parsed lesson, CheckContext) -> problems, listed in
`coursesite.lessons.check.LESSON_CHECKS`; lesson links are collected in the context and
checked once every lesson is known.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

from coursesite.lessons.files import IMAGE_SUFFIXES, safe_media_path
from coursesite.lessons.highlights import (
    LABEL_SEPARATOR,
    HighlightError,
    labels_per_box,
    parse_highlight,
)
from coursesite.lessons.loader import FIELDS, ParsedLesson, field_line
from coursesite.lessons.markdown import LESSON_LINK
from coursesite.lessons.model import N_, Problem
from coursesite.lessons.refs import ImageRef, LinkRef, References, find_references
from coursesite.lessons.sanitize import removed_by_sanitiser

# The sanitiser keeps these and lesson: only (a plain http: link loses its address).
SAFE_SCHEMES = ("https", "mailto", "tel")
# A raw <a> may lead to another site (https) or start an email or a call; nothing else.
RAW_LINK_SCHEMES = ("https", "mailto", "tel")
SITE_LESSON_PATH = re.compile(r"/([a-z]{2})/lessons/([^/?#]+)")
# Browsers drop tabs, newlines and controls in URLs: so must the checker.
URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


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


def check_link(lesson_md: Path, lang: str, link: LinkRef) -> tuple[list[Problem], list]:
    """Return the problems of one link, and the lesson links to check later."""
    href = link.href
    params = {"href": href}

    def problem(message):
        return [Problem(lesson_md, link.line, message, "error", params)], []

    lesson_link = LESSON_LINK.fullmatch(href)
    if lesson_link:
        return [], [LessonLink(lesson_md, link.line, lang, lesson_link.group(1), href)]
    if href.startswith("lesson:"):
        return problem(
            N_(
                "link `%(href)s`: write lesson: followed by the folder name of the lesson, like "
                "lesson:creer-adresse-courriel"
            )
        )
    parts = urlsplit(href)
    if parts.scheme:
        if parts.scheme.lower() in SAFE_SCHEMES:
            return [], []
        return problem(
            N_(
                "link `%(href)s` will be removed: only links that start with https:, mailto:, "
                "tel: or lesson: work"
            )
        )
    if href.startswith("//") or href.startswith("#") or not href:
        return [], []
    if href.startswith("/"):
        site = SITE_LESSON_PATH.match(parts.path)
        if site:
            written = LessonLink(lesson_md, link.line, site.group(1), unquote(site.group(2)), href)
            return [], [written]
        return [], []
    if ".." in PurePosixPath(unquote(parts.path)).parts:
        return problem(
            N_(
                "link `%(href)s` points outside the lesson folder: to link to another lesson, "
                "write [text](lesson:ID)"
            )
        )
    return problem(
        N_(
            "link `%(href)s` leads nowhere on the site: write lesson:ID for a lesson, or a full "
            "https:// address"
        )
    )


def check_links(parsed: ParsedLesson, context: CheckContext) -> list[Problem]:
    """Check every Markdown link; keep the links to other lessons for later."""
    lesson, problems = parsed.lesson, []
    refs = context.references(parsed)
    for link in refs.links:
        found, later = check_link(lesson.path, lesson.lang, link)
        problems.extend(found)
        context.links.extend(later)
    for line, length in refs.too_long:
        message = N_("a paragraph of %(length)s characters is too long to check: split it")
        problems.append(Problem(lesson.path, line, message, "warning", {"length": length}))
    return problems


class _RawTags(HTMLParser):
    """Collect the <img> and <a> start tags of raw HTML, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "a"):
            self.tags.append((self.getpos()[0], tag, {k: v or "" for k, v in attrs}))


def raw_tags(html: str) -> list[tuple[int, str, dict]]:
    parser = _RawTags()
    parser.feed(html)
    parser.close()
    return parser.tags


def raw_link_allowed(href: str) -> bool:
    """Tell whether a raw <a href> may stay: an https address, an email, a phone, #here."""
    plain = URL_IGNORED.sub("", href)
    scheme = SCHEME.match(plain)
    if scheme:
        return scheme.group(1).lower() in RAW_LINK_SCHEMES and not plain.lower().startswith(
            ("https:///", "https:/\\")
        )
    return plain.startswith("#") and len(plain) > 1


# How removed_by_sanitiser() words what it removes, turned into messages.
REMOVED = [
    (
        re.compile(r"<(?P<tag>[\w-]+)> and everything inside it"),
        N_(
            "raw HTML: <%(tag)s> and everything inside it will be removed: learners will not see it"
        ),
    ),
    (
        re.compile(r"the <(?P<tag>[\w-]+)> tag \(its text stays\)"),
        N_("raw HTML: the <%(tag)s> tag will be removed (its text stays)"),
    ),
    (
        re.compile(r'(?P<attribute>[^=]+)="(?P<value>.*)" on <(?P<tag>[\w-]+)>', re.S),
        N_(
            'raw HTML: %(attribute)s="%(value)s" on <%(tag)s> will be removed: learners will '
            "not see it"
        ),
    ),
]


def removed_problem(path: Path, line: int, what: str) -> Problem:
    for pattern, message in REMOVED:
        match = pattern.fullmatch(what)
        if match:
            return Problem(path, line, message, "warning", match.groupdict())
    message = N_("raw HTML: %(what)s will be removed: learners will not see it")
    return Problem(path, line, message, "warning", {"what": what})


def check_raw_html(parsed: ParsedLesson, context: CheckContext) -> list[Problem]:
    """Raw <img> and <a> may not point elsewhere; report what the sanitiser will remove."""
    path, problems = parsed.lesson.path, []
    for raw in context.references(parsed).html:
        for offset, tag, attrs in raw_tags(raw.html):
            line = raw.line + offset - 1
            if tag == "img":
                # A raw <img> is never shown as learners expect: a relative src is not
                # looked up in the lesson folder, and other sites are not allowed (CSP).
                message = N_(
                    'raw HTML <img src="%(src)s">: learners would see a broken picture; save '
                    "the picture beside lesson.md and write ![what it shows](file.png) instead"
                )
                problems.append(
                    Problem(path, line, message, "error", {"src": attrs.get("src", "")})
                )
            elif "href" in attrs and not raw_link_allowed(attrs["href"]):
                message = N_(
                    'raw HTML <a href="%(href)s">: a raw link may lead only to an https:// '
                    "address; write [text](lesson:ID) for a lesson or [text](https://…) for a site"
                )
                problems.append(Problem(path, line, message, "error", {"href": attrs["href"]}))
        for offset, what in removed_by_sanitiser(raw.html):
            # The errors above already cover where <img> and <a> point.
            if what.startswith(("src=", "href=")) and what.endswith(("<img>", "<a>")):
                continue
            problems.append(removed_problem(path, raw.line + offset - 1, what))
    return problems
