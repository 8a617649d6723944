"""Lesson parts as HTML, rendered once per version of the lesson file."""

from collections.abc import Callable, Mapping

from markupsafe import Markup

from coursesite.lessons.catalogue import Catalogue
from coursesite.lessons.files import safe_media_path
from coursesite.lessons.markdown import ImageInfo, render_markdown
from coursesite.lessons.model import Lesson

MediaUrl = Callable[[Lesson, str], str]


class LessonRenderer:
    """Turn a lesson's intro, steps and step titles into safe HTML, with caching."""

    def __init__(
        self,
        catalogue: Catalogue,
        media_url: MediaUrl,
        callout_titles: Callable[[str], Mapping[str, str]],
    ):
        self.catalogue = catalogue
        self.media_url = media_url
        self.callout_titles = callout_titles

    def intro(self, lesson: Lesson) -> Markup:
        return self._cached(lesson, ("intro",), lesson.intro)

    def step(self, lesson: Lesson, number: int) -> Markup:
        """Return the body of step `number` (from 1)."""
        return self._cached(lesson, ("step", number), lesson.steps[number - 1].source)

    def step_title(self, lesson: Lesson, number: int) -> Markup:
        return self._cached(lesson, ("title", number), lesson.steps[number - 1].title, inline=True)

    def _cached(self, lesson: Lesson, key: tuple, source: str, inline: bool = False) -> Markup:
        # The Lesson object is replaced whenever its file changes, so its cache never goes stale.
        if key not in lesson.cache:
            lesson.cache[key] = render_markdown(
                source,
                resolve_image=self._image_resolver(lesson),
                callout_titles=self.callout_titles(lesson.lang),
                inline=inline,
            )
        return lesson.cache[key]

    def _image_resolver(self, lesson: Lesson):
        def resolve(src: str) -> ImageInfo | None:
            path = safe_media_path(lesson.folder, src)
            if path is None:
                return None
            size = self.catalogue.image_size(path)
            if size is None:
                return None
            relative = path.relative_to(lesson.folder.resolve()).as_posix()
            return ImageInfo(url=self.media_url(lesson, relative), width=size[0], height=size[1])

        return resolve
