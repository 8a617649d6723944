"""`coursesite lessons …`: check, create and prepare lesson files."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from coursesite import services
from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.folder_check import check_folder, find_root, lessons_under
from coursesite.lessons.editor.new import NewLessonError, create_lesson
from coursesite.lessons.files import safe_media_path
from coursesite.lessons.messages import language_from_environment, translator
from coursesite.lessons.pictures.highlights import parse_highlight
from coursesite.lessons.pictures.images import IMAGE_ERRORS
from coursesite.lessons.problems import LessonError
from coursesite.lessons.publishing.render import NO_VARIANTS
from coursesite.lessons.reading.loader import load_lesson
from coursesite.lessons.reading.refs import scan


@click.group("lessons")
def lessons_group():
    """Check, create and prepare lesson files."""


@lessons_group.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: path:line: severity: message; json: a list of objects.",
)
@click.option(
    "--lang",
    default=None,
    help="Language of the messages, fr or en (default: the terminal's LANG, else French).",
)
@with_appcontext
def check_command(path, output_format, lang):
    """Report problems in lesson files as path:line: severity: message; exit 1 on errors."""
    config = current_app.config
    target = path or Path(config["LESSONS"])
    root = find_root(target, config["LANGUAGES"])
    settings = CheckSettings.from_config(config)
    problems, reports = check_folder(root, settings, parallel=True)
    if path and Path(path).resolve() != root.resolve():
        # Only what lies under PATH, but checked against the whole folder (links, translations).
        wanted = Path(path).resolve()
        problems = [p for p in problems if p.path.resolve().is_relative_to(wanted)]
    words = translator(lang or language_from_environment(config["BABEL_DEFAULT_LOCALE"]))
    if output_format == "json":
        click.echo(json.dumps(words.rows(problems), ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(words.line(problem))
    click.echo(words.summary(root, len(reports), problems), err=True)
    sys.exit(1 if any(problem.is_error for problem in problems) else 0)


@lessons_group.command("new")
@click.argument("lesson_id")
@click.option("--lang", default="fr", show_default=True, help="Language of the new lesson.")
@with_appcontext
def new_command(lesson_id, lang):
    """Create lessons/LANG/LESSON_ID/lesson.md from a template, as a draft."""
    config = current_app.config
    try:
        path, source = create_lesson(Path(config["LESSONS"]), lesson_id, lang, config["LANGUAGES"])
    except NewLessonError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {path}")
    if source:
        click.echo(
            f"Copied from the {source} version: translate the text, keep every {{#id}}, "
            "and replace the screenshots with ones taken in this language."
        )
    click.echo("It is a draft (draft: true): only staff see it until you remove that line.")
    click.echo(f"Check it with: coursesite lessons check {path.parent}")


def screenshot_jobs(root: Path, languages, max_pixels: int) -> list:
    """Return (picture, size, boxes) for every screenshot of every lesson that loads."""
    from PIL import Image

    jobs, seen = [], set()
    for lang, lesson_md in lessons_under(root, CheckSettings(languages=tuple(languages)))[0]:
        try:
            lesson = load_lesson(lesson_md, lang)
        except (LessonError, OSError):
            continue  # `lessons check` reports it
        for source in (lesson.intro, *(step.source for step in lesson.steps)):
            for ref in scan(source).images:
                path = safe_media_path(lesson.folder, ref.src)
                if path is None or path.suffix.lower() in NO_VARIANTS:
                    continue
                try:
                    boxes = parse_highlight(ref.highlight) if ref.highlight else ()
                    with Image.open(path) as image:
                        size = image.size
                except (ValueError, *IMAGE_ERRORS):
                    continue
                if size[0] * size[1] <= max_pixels and (path, boxes) not in seen:
                    seen.add((path, boxes))
                    jobs.append((path, size, boxes))
    return jobs


@lessons_group.command("build")
@with_appcontext
def build_command():
    """Make the small WebP copies of every screenshot now, instead of on first view."""
    config = current_app.config
    store = services.images()
    jobs = screenshot_jobs(Path(config["LESSONS"]), config["LANGUAGES"], store.max_pixels)
    made, failed = 0, 0
    with click.progressbar(jobs, label="Screenshots", file=sys.stderr) as bar:
        for path, size, boxes in bar:
            try:
                made += store.build(path, size, boxes)
            except IMAGE_ERRORS as exc:
                failed += 1
                click.echo(f"\n{path}: {exc}", err=True)
    click.echo(f"{len(jobs)} screenshots, {made} new copies in {store.cache_dir}.")
    sys.exit(1 if failed else 0)


COMMANDS = [lessons_group]
