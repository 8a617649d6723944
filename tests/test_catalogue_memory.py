"""A large catalogue in little memory, and a quick restart, under the publishing rule.

The catalogue keeps each lesson's outline (titles, step ids) and its steps' Markdown packed;
a step's text is unpacked when a page needs it, into a bounded cache. These tests show that
what is unpacked is always the version that was checked and published (never a newer file),
that a restart does not check again a lesson nobody touched but does check one changed while
the site was stopped, and that a first start on many lessons has them checked by another
process while the site answers.
"""

import json
import shutil
import time
from pathlib import Path

import pytest

from coursesite.lessons import model
from coursesite.lessons.publishing import catalogue_entry, stored_versions
from coursesite.lessons.publishing.catalogue import Catalogue
from coursesite.lessons.publishing.check_process import CHECKING
from coursesite.lessons.publishing.published_store import BODY, RECORD
from tests.conftest import write_later

GOOD = """---
title: {title}
summary: Une leçon pour les tests.
duration: 5
updated: 2026-11-20
---

Une introduction.

## Ouvrir {{#open}}

![La porte est ouverte](porte.png)

{text}

## Fermer {{#close}}

Fermer la porte.

> [!QUESTION] {{#q1}}
> Que faire ?
>
> - [x] Fermer
>   > Oui.
> - [ ] Ouvrir
>   > Non.
"""

BROKEN = "---\ntitle: Cassée\n---\n\nPas de durée, pas de résumé, pas d'étape.\n"


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Record every lesson this process checks (the per-lesson check of `lessons check`)."""
    done = []
    real = catalogue_entry.check_one

    def counted(lang, path, *args, **kwargs):
        done.append(path.parent.name)
        return real(lang, path, *args, **kwargs)

    monkeypatch.setattr(catalogue_entry, "check_one", counted)
    return done


def new_lesson(
    lessons_copy: Path, lesson_id="essai", title="Essai", text="Ouvrir la porte."
) -> Path:
    path = lessons_copy / "fr" / lesson_id / "lesson.md"
    write_later(path, GOOD.format(title=title, text=text))
    shutil.copy(lessons_copy / "fr" / "bonjour" / "porte.png", path.parent / "porte.png")
    return path


def open_step(cat: Catalogue, lesson_id="essai") -> str:
    return cat.get("fr", lesson_id).steps[0].source


def test_a_lesson_is_kept_packed_and_its_steps_unpacked_only_when_viewed(
    lessons_copy, published_dir
):
    new_lesson(lessons_copy)
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    lesson = cat.get("fr", "essai")
    assert lesson.packed
    # What every page needs is there without unpacking anything.
    assert [step.title for step in lesson.steps] == ["Ouvrir", "Fermer"]
    assert lesson.step_index("close") == 2
    model.UNPACKED.clear()
    assert lesson.body not in model.UNPACKED
    assert "Ouvrir la porte." in lesson.steps[0].source
    assert lesson.intro == "Une introduction."
    assert [q.id for q in lesson.steps[1].questions] == ["q1"]
    assert lesson.body in model.UNPACKED
    # The file's text is not kept once its version is published.
    assert all(entry.source is None for entry in cat._entries.values())


def test_the_unpacked_steps_are_bounded(lessons_copy, published_dir, monkeypatch):
    for number in range(5):
        new_lesson(lessons_copy, f"essai-{number}", text=f"Porte {number}.")
    monkeypatch.setattr(model, "UNPACKED", model.BoundedCache(2))
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    for number in range(5):
        assert f"Porte {number}." in open_step(cat, f"essai-{number}")
    assert len(model.UNPACKED) == 2
    # An evicted lesson is unpacked again, the same.
    assert "Porte 0." in open_step(cat, "essai-0")


@pytest.mark.parametrize("newer", ["broken", "good"])
def test_an_evicted_lesson_shows_its_published_version_not_a_newer_file(
    lessons_copy, published_dir, newer
):
    path = new_lesson(lessons_copy, text="Version un.")
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=3600, store=published_dir)
    lesson = cat.get("fr", "essai")
    model.UNPACKED.clear()
    # The file changes and the catalogue has not looked yet: the lesson it serves (its
    # outline, its steps) is still version one, unpacked from what was checked.
    write_later(
        path, BROKEN if newer == "broken" else GOOD.format(title="Essai", text="Version deux.")
    )
    assert "Version un." in lesson.steps[0].source
    cat.refresh(force=True)
    model.UNPACKED.clear()
    if newer == "broken":
        assert cat.status("fr", "essai").held_back
        assert "Version un." in open_step(cat)
    else:
        assert "Version deux." in open_step(cat)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Record every lesson file this process parses without checking it."""
    done = []
    real = stored_versions.load_lesson

    def counted(path, lang):
        done.append(path.parent.name)
        return real(path, lang)

    monkeypatch.setattr(stored_versions, "load_lesson", counted)
    return done


def test_a_restart_does_not_check_an_unchanged_lesson_again(
    lessons_copy, published_dir, checks, reads
):
    new_lesson(lessons_copy, text="Version un.")
    Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    assert "essai" in checks
    checks.clear()
    again = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    # Neither checked nor even parsed: its outline and packed body come from the store.
    assert checks == []
    assert reads == []
    model.UNPACKED.clear()
    assert "Version un." in open_step(again)
    assert [q.id for q in again.get("fr", "essai").steps[1].questions] == ["q1"]


def test_a_lesson_changed_while_the_site_was_stopped_is_checked_at_restart(
    lessons_copy, published_dir, checks
):
    path = new_lesson(lessons_copy, text="Version un.")
    Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    write_later(path, GOOD.format(title="Essai", text="Version deux.").replace("duration: 5\n", ""))
    checks.clear()
    again = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    assert checks == ["essai"]
    assert again.status("fr", "essai").held_back
    model.UNPACKED.clear()
    assert "Version un." in open_step(again)
    # Fixed while stopped: checked again, and published.
    write_later(path, GOOD.format(title="Essai", text="Version trois."))
    checks.clear()
    third = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    assert checks == ["essai"]
    assert "Version trois." in open_step(third)


def test_a_record_without_a_usable_body_makes_a_restart_read_the_file(
    lessons_copy, published_dir, checks, reads
):
    new_lesson(lessons_copy, text="Version un.")
    Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    folder = published_dir / "fr" / "essai"
    (folder / BODY).write_bytes(b"not what was published")
    checks.clear()
    again = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    assert checks == []  # the file is still the one checked: read, not checked
    assert reads == ["essai"]
    assert "Version un." in open_step(again)
    # A record written by an older version, without an outline, works the same way.
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    del record["lesson"]
    (folder / RECORD).write_text(json.dumps(record), encoding="utf-8")
    third = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    assert checks == []
    assert "Version un." in open_step(third)


def test_many_lessons_at_a_first_start_are_checked_by_another_process(
    lessons_copy, published_dir, checks
):
    for number in range(4):
        new_lesson(lessons_copy, f"essai-{number}", text=f"Porte {number}.")
    write_later(lessons_copy / "fr" / "cassee" / "lesson.md", BROKEN)
    cat = Catalogue(
        lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir, bulk=2, lazy=True
    )
    # What is built from every lesson (the search index) is told when they are all in.
    told = []
    cat.after_check.append(lambda: told.append(len(cat.lessons("fr"))))
    began = time.monotonic()
    cat.current()
    assert cat.checking
    assert (published_dir / CHECKING).exists()
    # Not checked yet: not shown (the site answers meanwhile).
    assert cat.get("fr", "essai-0") is None
    assert cat.wait_checked(60)
    assert time.monotonic() - began < 60
    assert not cat.checking
    assert not (published_dir / CHECKING).exists()
    assert checks == ["cassee"]  # only what the other process did not publish, checked here
    assert told == [len(cat.lessons("fr"))]
    assert told[0] >= 4
    for number in range(4):
        assert f"Porte {number}." in open_step(cat, f"essai-{number}")
    assert cat.get("fr", "cassee") is None
    assert cat.status("fr", "cassee").held_back
    # What the other process published is what a restart reads.
    checks.clear()
    Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir, bulk=2)
    assert checks == ["cassee"]


def test_a_held_back_lesson_keeps_its_stored_version_during_a_check_elsewhere(
    lessons_copy, published_dir
):
    for number in range(4):
        new_lesson(lessons_copy, f"essai-{number}", text=f"Porte {number}.")
    Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    # While the site was stopped, every lesson was edited, one of them broken.
    for number in range(1, 4):
        new_lesson(lessons_copy, f"essai-{number}", text=f"Porte {number}, encore.")
    write_later(lessons_copy / "fr" / "essai-0" / "lesson.md", BROKEN)
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir, bulk=2)
    assert cat.checking
    # Meanwhile learners get the last published versions.
    assert "Porte 0." in open_step(cat, "essai-0")
    assert "Porte 1." in open_step(cat, "essai-1")
    assert cat.wait_checked(60)
    model.UNPACKED.clear()
    assert "Porte 0." in open_step(cat, "essai-0")
    assert cat.status("fr", "essai-0").held_back
    assert "Porte 1, encore." in open_step(cat, "essai-1")


def test_a_marker_left_by_a_stopped_check_is_removed_but_not_by_the_checking_process(
    lessons_copy, published_dir
):
    published_dir.mkdir(parents=True)
    (published_dir / CHECKING).write_text("12345", encoding="utf-8")
    # The checking process (lessons/publishing/bulk.py) checks with bulk=None: it leaves it.
    Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir, bulk=None)
    assert (published_dir / CHECKING).exists()
    # A server starting on this store: nobody checks for it, the marker is stale.
    Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    assert not (published_dir / CHECKING).exists()


def test_a_lesson_saved_during_a_check_elsewhere_is_checked_at_once(
    lessons_copy, published_dir, checks
):
    for number in range(20):
        new_lesson(lessons_copy, f"essai-{number}", text=f"Porte {number}.")
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir, bulk=2)
    assert cat.checking
    # Staff save two lessons while the other process is still starting: each is checked
    # here, and the editor learns at once whether learners get it.
    write_later(lessons_copy / "fr" / "essai-0" / "lesson.md", BROKEN)
    new_lesson(lessons_copy, "essai-1", text="Porte 1, corrigée.")
    cat.refresh(force=True)
    still_checking = cat.checking
    assert sorted(checks) == ["essai-0", "essai-1"]
    assert cat.status("fr", "essai-0").held_back
    assert cat.get("fr", "essai-0") is None
    assert "Porte 1, corrigée." in open_step(cat, "essai-1")
    assert still_checking
    assert cat.wait_checked(60)
    assert cat.get("fr", "essai-0") is None
    assert cat.status("fr", "essai-0").held_back
    assert "Porte 1, corrigée." in open_step(cat, "essai-1")
    assert "Porte 19." in open_step(cat, "essai-19")


def test_the_kept_body_is_plain_data_with_its_questions_whole(lessons_copy, published_dir):
    """The packed body is also kept on disk for restarts: JSON, never something that runs."""
    import zlib

    new_lesson(lessons_copy)
    first = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    question = first.get("fr", "essai").steps[1].questions[0]
    body = next(b for b in published_dir.rglob(BODY) if "essai" in b.parts)
    data = json.loads(zlib.decompress(body.read_bytes()))
    assert "Ouvrir la porte." in data["sources"][0]
    # A restart reads it back into the same question, choices and all.
    model.UNPACKED.clear()
    again = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, store=published_dir)
    assert again.get("fr", "essai").steps[1].questions[0] == question
    assert question.choices and question.prompt
