"""`coursesite lessons check`: every problem with its file and line, and no file can break it."""

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.folder_check import check_lessons
from tests.conftest import FIXTURE_LESSONS, ROOT, STARTER_LESSONS

BROKEN = Path(__file__).parent / "data" / "broken-lessons"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
# Small limits, so that the fixture pictures stay small; a fixed "today" for `updated`.
SETTINGS = CheckSettings(
    languages=("fr", "en"),
    image_max_bytes=20_000,
    image_max_pixels=1_000_000,
    stale_months=12,
    today=dt.date(2026, 11, 26),
)
FRONT = "---\ntitle: Leçon\nsummary: s\nduration: 5\n---\n"


def reported(root: Path, settings=SETTINGS) -> list[str]:
    """Return the problems as `path:line: severity: message`, paths relative to root."""
    return [str(p).replace(f"{root}/", "", 1) for p in check_lessons(root, settings)]


def lesson(root: Path, text, lang="fr", lesson_id="lecon") -> Path:
    folder = root / lang / lesson_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lesson.md"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES)
def test_each_broken_lesson_gets_exactly_its_expected_message(case):
    expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    found = reported(BROKEN / case)
    if not any("version of this lesson" in line for line in expected):
        found = [line for line in found if "version of this lesson" not in line]
    if not case.startswith("updated-"):
        found = [line for line in found if "no `updated` date" not in line]
    assert found == expected


def test_there_is_a_broken_lesson_for_every_kind_of_problem():
    wanted = {
        "front-matter-missing", "front-matter-not-closed", "front-matter-invalid-yaml",
        "front-matter-wrong-type", "front-matter-bad-value", "front-matter-required-field",
        "no-steps", "duplicate-step-ids", "image-missing", "image-too-heavy",
        "image-too-many-pixels", "image-without-alt", "image-outside-folder",
        "link-outside-folder", "link-unknown-lesson", "raw-html-stripped", "translation-missing",
        "translation-step-ids-differ", "stale-screenshots", "paths-unknown-lesson", "file-empty",
        "file-binary", "file-invalid-utf8", "yaml-bomb", "highlight-invalid",
        "front-matter-colon-in-value", "front-matter-tab", "front-matter-no-space-after-colon",
        "front-matter-unclosed-quote", "front-matter-several-slips", "front-matter-hash-in-value",
        "updated-missing", "raw-html-img", "raw-html-link", "link-to-draft",
        "link-lesson-not-translated",
    }  # fmt: skip
    assert wanted <= set(CASES)
    for case in CASES:
        assert (BROKEN / case / "expected.txt").read_text(encoding="utf-8").strip(), case


def test_starter_and_fixture_lessons_have_no_errors():
    # The site's own limits, on the day the starter lessons' screenshots were checked.
    starter = check_lessons(STARTER_LESSONS, CheckSettings(today=dt.date(2026, 11, 26)))
    assert [str(p) for p in starter] == []
    fixture = check_lessons(FIXTURE_LESSONS, SETTINGS)
    # "Saluer" exists in French only, and the English version has no `updated` date.
    assert [(p.severity, p.path.parent.name) for p in fixture] == [("warning", "bonjour")] * 2


def test_a_huge_file_is_refused_without_being_parsed(tmp_path):
    path = lesson(tmp_path, FRONT + "## Un\n\n" + "mot " * 1_250_000)  # 5 MB
    assert path.stat().st_size >= 5_000_000
    assert reported(tmp_path) == [
        "fr/lecon/lesson.md:1: error: the file is too large (5,000,052 bytes; at most 250,000): "
        "split the lesson",
        "fr/lecon/lesson.md:1: warning: no en version of this lesson: add en/lecon/lesson.md",
    ]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 200_000,  # markdown-it needs seconds for this one
        "> " * 5_000 + "x",
        "".join("  " * depth + "- a\n" for depth in range(300)),
        "![a](x.png)\n\n" * 2_000,
        "<" * 200_000,
        "\ufeff\u202e\x7f\ud7ff",
    ],
    ids=["brackets", "quotes", "lists", "many-images", "angles", "odd-characters"],
)
def test_hostile_bodies_give_messages_not_tracebacks(tmp_path, body):
    lesson(tmp_path, FRONT + "## Un\n\n" + body + "\n")
    for line in reported(tmp_path):
        assert re.fullmatch(r"fr/lecon/lesson\.md:\d+: (error|warning): [^\n]+", line), line
        # A check that crashed says so instead of a message: that is a bug, not a report.
        assert "a bug" not in line and "could not be checked" not in line, line


def test_a_huge_paragraph_is_reported_instead_of_parsed(tmp_path):
    lesson(tmp_path, FRONT + "## Un\n\n" + "[" * 30_000 + "\n")
    assert (
        "fr/lecon/lesson.md:8: warning: a paragraph of 30,000 characters is too long to check: split it"
        in reported(tmp_path)
    )


def test_a_huge_yaml_front_matter_is_refused(tmp_path):
    lesson(tmp_path, "---\ntitle: t\nnotes: " + "x" * 30_000 + "\n---\n## Un\n")
    assert (
        "fr/lecon/lesson.md:2: error: the front matter is too long: keep only the fields of the "
        "writing guide" in reported(tmp_path)
    )


def test_a_picture_linked_from_outside_through_a_symlink_is_refused(tmp_path):
    Image.new("RGB", (10, 10)).save(tmp_path / "secret.png")
    path = lesson(tmp_path, FRONT + "## Un\n\n![Le secret](secret.png)\n")
    (path.parent / "secret.png").symlink_to(tmp_path / "secret.png")
    assert (
        "fr/lecon/lesson.md:8: error: picture `secret.png` is hidden, or a link to a file outside "
        "the lesson folder: copy the picture itself here" in reported(tmp_path)
    )


def test_images_and_links_are_found_on_their_own_line_in_lists_tables_and_callouts(tmp_path):
    body = (
        "## Un\n\n"  # line 6
        "- premier\n"
        "- voir ![](a.png)\n"  # line 9
        "\n| a | b |\n|---|---|\n"
        "| x | [y](lesson:nulle-part) |\n"  # line 13
        "\n> [!TIP]\n> texte\n> suite ![](b.png)\n"  # line 17
        "\n```\n![](pas-une-image.png) [pas](lesson:un-lien)\n```\n"
    )
    lesson(tmp_path, FRONT + body)
    lines = [line for line in reported(tmp_path) if ":1: warning" not in line]
    assert [line.split(": ", 1)[0] for line in lines] == [
        "fr/lecon/lesson.md:9",  # no alt text
        "fr/lecon/lesson.md:9",  # not found
        "fr/lecon/lesson.md:13",  # unknown lesson
        "fr/lecon/lesson.md:17",
        "fr/lecon/lesson.md:17",
    ]  # and nothing from the code block


def test_problem_messages_are_single_lines(tmp_path):
    (tmp_path / "paths.yml").write_text("- id: x\n  title: [\n", encoding="utf-8")
    lesson(tmp_path, FRONT + "## Un\n\nTexte.\n")
    for line in reported(tmp_path):
        assert "\n" not in line


def test_the_example_lesson_of_the_guide_checks_clean(tmp_path):
    for name in ("writing-lessons.md", "writing-lessons.en.md"):
        guide = (ROOT / "docs" / name).read_text(encoding="utf-8")
        section = guide[guide.index("## 3.") :]
        example = re.search(r"```markdown\n(.*?)\n```\n", section, re.S).group(1)
        root = tmp_path / name
        path = lesson(root, example + "\n", lang="fr", lesson_id="joindre-une-photo")
        lesson(root, FRONT + "## Un\n\nTexte.\n", lang="fr", lesson_id="creer-adresse-courriel")
        for picture in re.findall(r"\]\(([\w-]+\.png)\)", example):
            Image.new("RGB", (960, 600), "white").save(path.parent / picture)
        assert [line for line in reported(root) if ":1: warning" not in line] == []


def test_stale_dates_count_whole_months():
    from coursesite.lessons.checks.content import months_before

    assert months_before(dt.date(2026, 11, 26), 12) == dt.date(2025, 11, 26)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


# The command


def run_check(runner, *args, lang="en"):
    return runner.invoke(args=["lessons", "check", "--lang", lang, *map(str, args)])


def test_command_exits_1_on_errors_and_0_on_warnings_only(app, runner):
    app.config.update(LESSON_IMAGE_MAX_BYTES=20_000, LESSON_IMAGE_MAX_PIXELS=1_000_000)
    for case in CASES:
        result = run_check(runner, BROKEN / case)
        expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8")
        assert isinstance(result.exception, SystemExit | None), (case, result.exception)
        assert "Traceback" not in result.output
        assert "a bug" not in result.output, case
        assert result.exit_code == (1 if ": error: " in expected else 0), case


def test_command_reports_only_under_the_given_path_but_checks_the_whole_folder(runner, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(BROKEN / "link-lesson-not-translated", root)
    lesson(root, FRONT + "## Un\n\n![](absent.png)\n", lesson_id="autre")
    result = run_check(runner, root / "fr" / "lecon")
    lines = result.stdout.splitlines()
    # The link is checked against the whole folder: `suite` exists, in English only.
    assert lines == [
        f"{root}/fr/lecon/lesson.md:10: error: link `lesson:suite`: lesson `suite` has no fr "
        "version yet, so learners would find no page: translate it first, or remove the link"
    ]
    assert result.exit_code == 1
    whole = run_check(runner, root)
    assert "fr/autre/lesson.md:8: error: picture `absent.png` has no alt text" in whole.stdout
    assert whole.exit_code == 1


def test_command_speaks_json(runner):
    result = runner.invoke(
        args=[
            "lessons",
            "check",
            "--format",
            "json",
            "--lang",
            "en",
            str(BROKEN / "duplicate-step-ids"),
        ]
    )
    rows = json.loads(result.stdout)
    assert {
        "path": f"{BROKEN}/duplicate-step-ids/fr/lecon/lesson.md",
        "line": 12,
        "severity": "error",
        "message": "step id `ouvrir` is already used on line 8: give this step another {#id}",
    } in rows
    assert all(set(row) == {"path", "line", "severity", "message"} for row in rows)
    assert result.exit_code == 1


def test_command_uses_the_configured_limits(app, tmp_path):
    root = tmp_path / "limits"
    path = lesson(
        root,
        FRONT.replace("duration: 5", "duration: 5\nupdated: 2020-01-01")
        + "## Un\n\n![Écran](e.png)\n",
    )
    Image.new("RGB", (300, 200), "white").save(path.parent / "e.png")
    app.config.update(LESSON_IMAGE_MAX_PIXELS=50_000, LESSON_STALE_MONTHS=1000)
    result = app.test_cli_runner().invoke(args=["lessons", "check", "--lang", "en", str(root)])
    assert "picture `e.png` is 300×200 pixels (at most 50,000 pixels)" in result.stdout
    assert "`updated`" not in result.stdout


def test_a_bug_in_one_check_does_not_hide_the_rest_of_the_report(tmp_path, monkeypatch, caplog):
    from coursesite.lessons.checks import check

    lesson(tmp_path, FRONT + "## Un\n\nTexte.\n", lesson_id="a")
    lesson(tmp_path, FRONT + "## Un\n\n![](absent.png)\n", lesson_id="b")

    def flaky(parsed, context):
        if parsed.lesson.id == "a":
            raise KeyError("oops")
        return []

    monkeypatch.setattr(check, "LESSON_CHECKS", [flaky, *check.LESSON_CHECKS])
    lines = [line for line in reported(tmp_path) if ":1: warning" not in line]
    assert (
        lines[0]
        == "fr/a/lesson.md:1: error: this file could not be checked completely (a bug: tell us)"
    )
    assert any(line.startswith("fr/b/lesson.md:8: error: picture `absent.png`") for line in lines)
    assert "checking" in caplog.text and "KeyError" in caplog.text


def test_a_plain_http_link_is_reported_because_the_page_would_drop_it(tmp_path):
    from coursesite.lessons.markup.markdown import render_markdown

    lesson(tmp_path, FRONT + "\n## Un {#un}\n\nVoir [le site](http://example.org/).\n")
    assert any(
        "will be removed" in line and "http://example.org/" in line for line in reported(tmp_path)
    )
    assert "href" not in render_markdown("[le site](http://example.org/)")
