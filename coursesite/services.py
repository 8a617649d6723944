"""The objects every part of the app shares, one set per app, reached through typed accessors.

`init_app` builds them all here, in the order they depend on each other, so that the
packages' own `init_app` functions only add pages, hooks and commands and may run in any
order. Views call `services.catalogue()`, never a string key into `app.extensions`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from peewee import Database

from coursesite.desk.phone_codes import PhoneCodes
from coursesite.learn import links
from coursesite.learn.lesson_pages.search import SearchIndex
from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.health import HealthReport
from coursesite.lessons.editor.history import History
from coursesite.lessons.pictures.images import VariantStore
from coursesite.lessons.publishing.catalogue import Catalogue
from coursesite.lessons.publishing.render import LessonRenderer
from coursesite.lessons.synonyms import SynonymsFile
from coursesite.web.roles import has_role

KEY = "coursesite"  # the one key this app keeps in app.extensions


class LabDetails(Protocol):
    """The lab's details in one language (data/lab.py makes them; services may not import it)."""

    lang: str
    name: str  # a plain placeholder until staff fill it in
    has_name: bool  # False while `name` is that placeholder
    phone: str
    hours: str
    address: str
    message: str

    @property
    def is_set(self) -> bool: ...


@dataclass
class Shared:
    catalogue: Catalogue
    images: VariantStore
    renderer: LessonRenderer
    search_index: SearchIndex
    phone_codes: PhoneCodes
    lesson_health: HealthReport
    lesson_history: History
    database: Database | None = None  # opened by the data package
    database_health: object = None  # data.safekeeping.health.DatabaseHealth, made with the database
    database_problem: str | None = None  # why the database could not be opened (a damaged file)
    # The lab's details as staff set them (data/lab.py `details`), handed in by the data package.
    lab_details: Callable[[str | None], LabDetails] | None = None
    saved_lab_details: object = None  # data.lab.SavedDetails: what lab_details reads from
    # Checked against when a username does not exist, so that the answer takes as long.
    dummy_password_hash: str = ""
    # Kinds of things a visitor keeps in the session cookie (learn/visitor.py).
    visitor_data: list = field(default_factory=list)


def shared(app: Flask | None = None) -> Shared:
    """Return the shared objects of `app` (the current app by default)."""
    return (app or current_app).extensions[KEY]


def catalogue(app: Flask | None = None) -> Catalogue:
    """The lessons, kept in step with the files."""
    return shared(app).catalogue


def renderer(app: Flask | None = None) -> LessonRenderer:
    """The one function set that turns lesson Markdown into HTML."""
    return shared(app).renderer


def images(app: Flask | None = None) -> VariantStore:
    """The small WebP copies of lesson screenshots."""
    return shared(app).images


def search_index(app: Flask | None = None) -> SearchIndex:
    return shared(app).search_index


def phone_codes(app: Flask | None = None) -> PhoneCodes:
    """The four-character code of every step."""
    return shared(app).phone_codes


def lesson_health(app: Flask | None = None) -> HealthReport:
    """The `lessons check` report of the lessons folder, for the staff's health page."""
    return shared(app).lesson_health


def lesson_history(app: Flask | None = None) -> History:
    """Every version of the lessons saved from the browser, and their working copies."""
    return shared(app).lesson_history


def database(app: Flask | None = None) -> Database:
    """The app's peewee database (SQLite or PostgreSQL)."""
    return shared(app).database


def visitor_data(app: Flask | None = None) -> list:
    """The kinds of things a visitor did that may join an account (learn/visitor.py)."""
    return shared(app).visitor_data


def database_problem(app: Flask | None = None) -> str | None:
    """What is wrong with the database now (quick_check, once a minute at most), or None."""
    found = shared(app)
    return found.database_problem or found.database_health.problem()


def lab_details(lang: str | None = None) -> LabDetails:
    """The lab's name, phone, hours, address and message as staff set them, in `lang` (the
    current language by default); a clear placeholder name until staff fill them in.

    """
    return shared().lab_details(lang)


def lab_details_version() -> int:
    """A number that changes whenever staff change the lab's details (for pages kept whole)."""
    return shared().saved_lab_details.version()


def lab_name(lang: str | None = None) -> str:
    """The lab's name in `lang` (the current language by default), for certificates and pages."""
    return lab_details(lang).name


def drafts_visible() -> bool:
    """Tell whether the person of the current request may see draft lessons (staff)."""
    return has_role("staff")


def init_app(app: Flask) -> None:
    """Build the app's shared objects from its settings."""
    config = app.config
    # A lesson version reaches learners only when `lessons check` finds no error in it; the
    # last good versions are kept in the instance folder. Read on the first question, not
    # here: `coursesite lessons check` never asks.
    lessons = Catalogue(
        config["LESSONS"],
        config["LANGUAGES"],
        config["LESSONS_RELOAD_INTERVAL"],
        settings=CheckSettings.from_config(config),
        store=Path(app.instance_path) / "published-lessons",
        lazy=True,
        watch=config["LESSONS_WATCH"],
    )
    cache_dir = Path(config.get("IMAGE_CACHE") or Path(app.instance_path) / "image-cache")
    images = VariantStore(
        cache_dir, config["LESSON_IMAGE_WIDTHS"], config["LESSON_IMAGE_MAX_PIXELS"]
    )
    renderer = LessonRenderer(
        lessons,
        links.media_url,
        links.translated_callout_titles,
        lesson_url=links.lesson_url,
        variants=images,
        variant_url=links.variant_url,
        full_size_label=links.full_size_label,
        whole_screen_label=links.whole_screen_label,
        picture_url=links.picture_url,
    )
    app.extensions[KEY] = Shared(
        catalogue=lessons,
        images=images,
        renderer=renderer,
        search_index=SearchIndex(
            lessons,
            Path(app.instance_path) / "search.db",
            SynonymsFile(Path(config["LESSONS"]) / "synonyms.yml", config["LANGUAGES"]),
            languages=config["LANGUAGES"],
        ),
        phone_codes=PhoneCodes(lessons),
        lesson_health=HealthReport(Path(config["LESSONS"]), CheckSettings.from_config(config)),
        lesson_history=History(Path(app.instance_path) / "lesson-history"),
    )
