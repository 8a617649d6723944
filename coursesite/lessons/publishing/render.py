"""Lesson parts as HTML, rendered once per version of the lesson file."""

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from coursesite.lessons.files import safe_media_path
from coursesite.lessons.markup.markdown import (
    ImageInfo,
    ImageRef,
    image_refs,
    remember_sources,
    render_markdown,
)
from coursesite.lessons.model import Lesson
from coursesite.lessons.pictures.highlights import Box, parse_highlight
from coursesite.lessons.pictures.images import VariantStore
from coursesite.lessons.publishing.catalogue import Catalogue
from coursesite.lessons.questions import Question


@dataclass(frozen=True)
class RenderedChoice:
    number: int  # from 1, as the form sends it
    html: Markup
    right: bool
    feedback: Markup


@dataclass(frozen=True)
class RenderedQuestion:
    """A question with its Markdown parts as HTML; the step template draws the form."""

    question: Question
    prompt: Markup
    choices: tuple[RenderedChoice, ...]
    hint: Markup

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def kind(self) -> str:
        return self.question.kind


MediaUrl = Callable[[Lesson, str], str]
VariantUrl = Callable[[str], str]  # variant file name -> URL
LessonUrl = Callable[[str, str], str]  # (lang, lesson id) -> URL
PictureUrl = Callable[[Lesson, int, int], str]  # (lesson, step number, picture k) -> URL
# Animated GIFs would lose their animation in a WebP copy: they are sent as they are.
NO_VARIANTS = {".gif"}


def signature(path: Path) -> tuple[int, int] | None:
    """Return (mtime, size) of a file, or None if there is none."""
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    return stat.st_mtime_ns, stat.st_size


class LessonRenderer:
    """Turn a lesson's intro, steps and step titles into safe HTML, with caching."""

    def __init__(
        self,
        catalogue: Catalogue,
        media_url: MediaUrl,
        callout_titles: Callable[[str], Mapping[str, str]],
        *,
        variants: VariantStore | None = None,
        variant_url: VariantUrl | None = None,
        lesson_url: LessonUrl | None = None,
        full_size_label: Callable[[str], str] | None = None,
        whole_screen_label: Callable[[str], str] | None = None,
        picture_url: PictureUrl | None = None,
    ):
        self.catalogue = catalogue
        self.media_url = media_url
        self.callout_titles = callout_titles
        self.variants = variants if variant_url else None
        self.variant_url = variant_url
        self.lesson_url = lesson_url
        self.full_size_label = full_size_label
        self.whole_screen_label = whole_screen_label
        self.picture_url = picture_url

    def intro(self, lesson: Lesson) -> Markup:
        return self._cached(lesson, ("intro",), lesson.intro)

    def step(self, lesson: Lesson, number: int) -> Markup:
        """Return the body of step `number` (from 1)."""
        return self._cached(lesson, ("step", number), lesson.steps[number - 1].source, step=number)

    def pictures(self, lesson: Lesson, number: int) -> list[tuple[ImageRef, ImageInfo]]:
        """Return step `number`'s pictures as its page shows them (k = position from 1)."""
        found = []
        for ref in image_refs(lesson.steps[number - 1].source):
            boxes = ()
            with contextlib.suppress(ValueError):
                boxes = parse_highlight(ref.highlight) if ref.highlight else ()
            info = self._image_resolver(lesson, [])(ref.src, boxes)
            if info is not None:
                found.append((ref, info))
        return found

    def remember(self, lesson: Lesson) -> list[Markup]:
        """Return the lesson's `> [!REMEMBER]` callouts' contents, in order, as HTML."""
        parts = [lesson.intro, *(step.source for step in lesson.steps)]
        bodies = [body for part in parts for body in remember_sources(part)]
        return [self._cached(lesson, ("remember", i), body) for i, body in enumerate(bodies)]

    def step_title(self, lesson: Lesson, number: int) -> Markup:
        return self._cached(lesson, ("title", number), lesson.steps[number - 1].title, inline=True)

    def part(self, lesson: Lesson, source: str, *, inline: bool = False) -> Markup:
        """Return a piece of lesson Markdown as HTML: a question, a choice, a feedback."""
        return self._cached(lesson, ("part", inline, source), source, inline=inline)

    def question(self, lesson: Lesson, question: Question) -> RenderedQuestion:
        """Return a question's prompt, choices, feedback and hint as HTML, for a template."""
        choices = tuple(
            RenderedChoice(
                number,
                self.part(lesson, choice.text, inline=True),
                choice.right,
                self.part(lesson, choice.feedback) if choice.feedback else Markup(),
            )
            for number, choice in enumerate(question.choices, start=1)
        )
        hint = self.part(lesson, question.hint) if question.hint else Markup()
        return RenderedQuestion(question, self.part(lesson, question.prompt), choices, hint)

    def _cached(
        self, lesson: Lesson, key: tuple, source: str, inline: bool = False, step: int = 0
    ) -> Markup:
        # The Lesson object is replaced whenever its file changes; a screenshot can change on
        # its own, so each entry also remembers its pictures' (mtime, size) and is redone
        # when one of them moves. A few stats per page view; no restart needed.
        cached = lesson.cache.get(key)
        if cached is not None and all(signature(path) == sig for path, sig in cached[1]):
            return cached[0]
        extra, seen = {}, []
        if self.full_size_label:
            extra["full_size_label"] = self.full_size_label(lesson.lang)
        if self.whole_screen_label:
            extra["whole_screen_label"] = self.whole_screen_label(lesson.lang)
        if self.picture_url and step:
            # A step's pictures open on their own page (/…/<n>/picture/<k>), with the way back.
            extra["picture_link"] = lambda k: self.picture_url(lesson, step, k)
        if self.lesson_url:
            # Every `lesson:ID` becomes a link, even to a lesson not written yet: the
            # rendered HTML is cached, and `lessons check` reports unknown ids.
            extra["resolve_lesson"] = lambda lesson_id: self.lesson_url(lesson.lang, lesson_id)
        markup = render_markdown(
            source,
            resolve_image=self._image_resolver(lesson, seen),
            callout_titles=self.callout_titles(lesson.lang),
            inline=inline,
            **extra,
        )
        lesson.cache[key] = (markup, tuple(seen))
        return markup

    def _image_resolver(self, lesson: Lesson, seen: list):
        def resolve(src: str, highlight: tuple[Box, ...] = ()) -> ImageInfo | None:
            path = safe_media_path(lesson.folder, src)
            # A missing picture is remembered too, so that adding it shows it.
            watched = path or lesson.folder / unquote(urlsplit(src).path)
            seen.append((watched, signature(watched)))
            if path is None:
                return None
            size = self.catalogue.image_size(path)
            if size is None:
                return None
            relative = path.relative_to(lesson.folder.resolve()).as_posix()
            original = ImageInfo(self.media_url(lesson, relative), size[0], size[1])
            if self.variants is None or path.suffix.lower() in NO_VARIANTS:
                return original
            if size[0] * size[1] > self.variants.max_pixels:
                return original  # too large to resize safely; `lessons check` says so
            planned = self.variants.plan(path, size, highlight)
            srcset = ", ".join(
                f"{self.variant_url(planned.name(width))} {width}w" for width in planned.widths
            )
            # Offer the full-size picture only when some screen shows it smaller.
            shrunk = size[0] > min(self.variants.widths)
            if not highlight:
                full = original.url if shrunk else None
                return ImageInfo(original.url, size[0], size[1], srcset, full)
            # With a box drawn in, even the fallback and the full-size picture are copies.
            full = self.variant_url(planned.name(size[0])) if shrunk else None
            largest = self.variant_url(planned.name(planned.widths[-1]))
            if not planned.crop_name:
                return ImageInfo(largest, size[0], size[1], srcset, full)
            crop_w, crop_h = planned.crop_size
            crop_url = self.variant_url(planned.crop_name)
            return ImageInfo(largest, size[0], size[1], srcset, full, crop_url, crop_w, crop_h)

        return resolve
