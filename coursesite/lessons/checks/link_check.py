"""Checks inside one lesson: its links and its raw HTML, as learners' pages would show them.

A link to another lesson is collected in the CheckContext and checked once every lesson is
known (check.lesson_link_problems).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from coursesite.lessons.checks.content import CheckContext, LessonLink
from coursesite.lessons.markup.markdown import LESSON_LINK
from coursesite.lessons.markup.sanitize import removed_by_sanitiser
from coursesite.lessons.problems import N_, Problem
from coursesite.lessons.reading.loader import ParsedLesson
from coursesite.lessons.reading.refs import LinkRef

# The sanitiser keeps these and lesson: only (a plain http: link loses its address).
SAFE_SCHEMES = ("https", "mailto", "tel")
# A raw <a> may lead to another site (https) or start an email or a call; nothing else.
RAW_LINK_SCHEMES = ("https", "mailto", "tel")
SITE_LESSON_PATH = re.compile(r"/([a-z]{2})/lessons/([^/?#]+)")
# Browsers drop tabs, newlines and controls in URLs: so must the checker.
URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


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
