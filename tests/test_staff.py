"""Staff lesson pages: health report, drafts, side-by-side preview, last good version."""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORDS

DRAFT = (
    "---\ntitle: Brouillon secret\nsummary: Pas encore prêt.\nduration: 5\ndraft: true\n---\n"
    "\n## Première étape {#first}\n\nTexte du brouillon.\n"
)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def touch_later(path: Path, text: str) -> None:
    """Write text and move the modification time forward, as a later save would."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


@pytest.fixture
def staff(client, auth, make_staff):
    make_staff("sophie")
    auth.login("sophie", PASSWORDS["staff"])
    return client


@pytest.fixture
def draft(lessons_dir) -> Path:
    folder = lessons_dir / "fr" / "brouillon"
    folder.mkdir()
    touch_later(folder / "lesson.md", DRAFT)
    return folder / "lesson.md"


@pytest.mark.parametrize(
    "url", ["/staff/lessons", "/staff/lessons/drafts", "/staff/lessons/bonjour/preview"]
)
def test_only_staff_may_open_the_lesson_pages(client, auth, make_learner, make_helper, url):
    with client.get(url) as response:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    make_helper("richard")
    auth.login("richard", PASSWORDS["helper"])
    with client.get(url) as response:
        assert response.status_code == 403


def test_health_page_says_when_all_is_well(staff):
    page = text_of(staff.get("/staff/lessons"))
    assert "Santé des leçons" in page
    # "Saluer" has no English version, and the English version has no `updated` date.
    assert "Avertissements : 2" in page
    assert 'href="/staff/lessons/bonjour/preview"' in page


def test_health_page_lists_each_problem_with_its_file_line_and_lesson(staff, lessons_dir):
    path = lessons_dir / "fr" / "bonjour" / "lesson.md"
    staff.get("/fr/lessons/bonjour/")  # the site has published its good version
    touch_later(path, path.read_text(encoding="utf-8").replace("(porte.png)", "(absente.png)"))
    page = text_of(staff.get("/staff/lessons"))
    assert "Erreurs : 1." in page
    assert (
        '<span class="problem-severity">Erreur :</span> <span class="problem-where">'
        "<code>fr/<wbr>bonjour/<wbr>lesson.md</code>, ligne 16</span>" in page
    )
    assert "l’image <code>absente.png</code> n’est pas dans le dossier bonjour/" in page
    assert "Aperçu de « Dire bonjour » dans toutes les langues" in page


def test_a_broken_lesson_keeps_its_last_good_version_for_learners(staff, client, lessons_dir):
    path = lessons_dir / "fr" / "bonjour" / "lesson.md"
    good = path.read_text(encoding="utf-8")
    client.get("/fr/lessons/bonjour/1")  # the site has published its good version
    touch_later(path, "---\ntitle: [cassé\n---\n## Un\n")
    # Learners (and staff on the learner pages) still get the last good version.
    assert "Poussez la porte." in text_of(client.get("/fr/lessons/bonjour/1"))
    preview = text_of(staff.get("/staff/lessons/bonjour/preview"))
    assert "Ce fichier contient une erreur" in preview
    assert "Les apprenants voient encore la dernière version qui fonctionnait" in preview
    assert "Poussez la porte." in preview
    health = text_of(staff.get("/staff/lessons"))
    assert "<code>fr/<wbr>bonjour/<wbr>lesson.md</code>, ligne 2" in health
    touch_later(path, good.replace("Poussez la porte.", "Ouvrez la porte."))
    repaired = text_of(staff.get("/staff/lessons/bonjour/preview"))
    assert "Ce fichier contient une erreur" not in repaired and "Ouvrez la porte." in repaired


def test_the_site_stays_up_when_every_lesson_breaks(client, lessons_dir):
    client.get("/fr/")  # the site has published the good versions
    for path in lessons_dir.glob("*/*/lesson.md"):
        touch_later(path, "\x00\xff")
    assert client.get("/fr/").status_code == 200
    assert client.get("/fr/lessons/bonjour/1").status_code == 200


def test_drafts_are_for_staff_only_with_a_banner(staff, app, draft):
    visitor = app.test_client()
    assert visitor.get("/fr/lessons/brouillon/").status_code == 404
    assert "Brouillon secret" not in text_of(visitor.get("/fr/"))
    lesson = text_of(staff.get("/fr/lessons/brouillon/"))
    assert "Brouillon — visible par le personnel seulement" in lesson
    step = text_of(staff.get("/fr/lessons/brouillon/1"))
    assert "Brouillon — visible par le personnel seulement" in step
    published = text_of(staff.get("/fr/lessons/bonjour/"))
    assert "visible par le personnel seulement" not in published


def test_drafts_page_lists_drafts_with_their_previews(staff, draft):
    page = text_of(staff.get("/staff/lessons/drafts"))
    assert "Brouillon secret" in page
    assert 'href="/staff/lessons/brouillon/preview"' in page
    assert 'href="/fr/lessons/brouillon/"' in page
    assert "Dire bonjour" not in page  # published lessons are not drafts


def test_preview_shows_every_language_side_by_side_step_by_step(staff):
    page = text_of(staff.get("/staff/lessons/bonjour/preview"))
    assert page.count('<div class="preview-cell" lang="fr">') == 4  # the intro + 3 steps
    assert page.count('<div class="preview-cell" lang="en">') == 4
    # Rows follow step ids: "Partir" (fr step 3) sits beside "Leave" (en step 2).
    row = re.search(r'<section class="preview-grid" aria-label="Étape leave">(.*?)</section>', page)
    assert "Partir" in row.group(1) and "Leave" in row.group(1)
    assert "Aucune étape avec l’identifiant « saluer » dans cette langue." in page
    assert '<img src="/fr/lessons/bonjour/media/porte.png"' in page


def test_preview_of_a_draft_shows_the_banner_and_unknown_lessons_404(staff, draft):
    assert "Brouillon — visible par le personnel seulement" in text_of(
        staff.get("/staff/lessons/brouillon/preview")
    )
    assert staff.get("/staff/lessons/nulle-part/preview").status_code == 404


def test_health_page_follows_edits_without_a_restart(staff, lessons_dir):
    assert "Erreurs : 0." in text_of(staff.get("/staff/lessons"))
    folder = lessons_dir / "fr" / "nouvelle"
    folder.mkdir()
    touch_later(folder / "lesson.md", "---\ntitle: Nouvelle\n---\n## Un\n")
    assert "<code>fr/<wbr>nouvelle/<wbr>lesson.md</code>, ligne 1" in text_of(
        staff.get("/staff/lessons")
    )


def test_staff_pages_are_valid_html(staff, draft, tmp_path, lessons_dir):
    from tests.test_html_valid import validate

    path = lessons_dir / "fr" / "bonjour" / "lesson.md"
    touch_later(path, "---\ntitle: [cassé\n---\n## Un\n")
    files = []
    for name, url in {
        "health": "/staff/lessons",
        "drafts": "/staff/lessons/drafts",
        "preview": "/staff/lessons/bonjour/preview",
        "draft-step": "/fr/lessons/brouillon/1",
    }.items():
        response = staff.get(url)
        assert response.status_code == 200, url
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(response.get_data(as_text=True), encoding="utf-8")
    assert validate(files) == []
