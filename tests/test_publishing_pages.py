"""The publishing rule as learners and staff meet it, through the site's pages.

The lesson file is edited on disk while the site runs: learners keep the last good version
(its picture too) until the file is fixed, staff read why on the health page in their own
language, and the last good version is still served after a restart.
"""

import os
import re
import shutil
from pathlib import Path

from tests.conftest import FIXTURE_LESSONS, PASSWORDS, make_app

LESSON = Path("fr") / "bonjour" / "lesson.md"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def save(path: Path, text: str) -> None:
    """Write text and move the times forward, as a later save would."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))
    stat = path.parent.stat()
    os.utime(path.parent, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def first_picture(html: str) -> str:
    return re.search(r'<img [^>]*src="([^"]+)"', html).group(1)


def test_a_renamed_picture_keeps_the_last_good_version_for_learners(client, lessons_dir):
    path = lessons_dir / LESSON
    page = client.get("/fr/lessons/bonjour/1")
    assert "Ouvrir la porte" in text_of(page)
    save(path, path.read_text(encoding="utf-8").replace("Ouvrir la porte", "Pousser la porte"))
    assert "Pousser la porte" in text_of(client.get("/fr/lessons/bonjour/1"))

    (path.parent / "porte.png").rename(path.parent / "Porte.png")
    save(path, path.read_text(encoding="utf-8").replace("Pousser la porte", "Tirer la porte"))
    page = client.get("/fr/lessons/bonjour/1")
    assert "Pousser la porte" in text_of(page)  # the last good version…
    assert "Tirer la porte" not in text_of(page)
    with client.get(first_picture(page.get_data(as_text=True))) as picture:
        assert picture.status_code == 200 and picture.mimetype.startswith("image/")  # …whole

    (path.parent / "Porte.png").rename(path.parent / "porte.png")
    save(path, path.read_text(encoding="utf-8"))
    assert "Tirer la porte" in text_of(client.get("/fr/lessons/bonjour/1"))


def test_an_emptied_alt_text_and_a_broken_lesson_link_never_reach_learners(client, lessons_dir):
    path = lessons_dir / LESSON
    good = path.read_text(encoding="utf-8")
    assert client.get("/fr/lessons/bonjour/1").status_code == 200  # published before the edit
    save(path, good.replace("[La porte est ouverte]", "[]"))
    assert 'alt="La porte est ouverte"' in client.get("/fr/lessons/bonjour/1").get_data(True)
    save(path, good.replace("Au revoir.", "Voir [la suite](lesson:nulle-part)."))
    assert "nulle-part" not in client.get("/fr/lessons/bonjour/3").get_data(as_text=True)
    assert "Au revoir." in text_of(client.get("/fr/lessons/bonjour/3"))


def test_a_new_lesson_with_an_error_is_not_shown_until_fixed(client, lessons_dir):
    path = lessons_dir / "fr" / "nouvelle" / "lesson.md"
    text = "---\ntitle: Nouvelle\nsummary: s\nduration: 5\n---\n\n## Un {#one}\n\n![](absent.png)\n"
    save(path, text)
    assert client.get("/fr/lessons/nouvelle/").status_code == 404
    assert "Nouvelle" not in text_of(client.get("/fr/"))
    save(path, text.replace("\n![](absent.png)\n", "Texte.\n"))
    assert client.get("/fr/lessons/nouvelle/").status_code == 200


def test_the_last_good_version_survives_a_restart(tmp_path, lessons_dir, client):
    path = lessons_dir / LESSON
    assert "Dire bonjour" in text_of(client.get("/fr/lessons/bonjour/"))
    save(path, path.read_text(encoding="utf-8").replace("title: Dire bonjour", "title: Dire: allo"))
    restarted = make_app(tmp_path, FIXTURE_LESSONS).test_client()  # same instance and lessons
    page = text_of(restarted.get("/fr/lessons/bonjour/"))
    assert "Dire bonjour" in page and "Dire: allo" not in page


def test_the_health_page_says_what_is_held_back_and_why_in_the_staff_language(
    app, lessons_dir, auth, make_staff
):
    make_staff("sophie", language="fr")
    auth.login("sophie", PASSWORDS["staff"])
    client = auth.client
    path = lessons_dir / LESSON
    assert client.get("/fr/lessons/bonjour/").status_code == 200  # published before the edit
    save(
        path, path.read_text(encoding="utf-8").replace("title: Dire bonjour", "title: Dire : allo")
    )
    new = lessons_dir / "fr" / "nouvelle" / "lesson.md"
    save(new, "---\ntitle: Nouvelle\nsummary: s\nduration: 5\n---\n\n## Un\n\n![](absent.png)\n")
    page = text_of(client.get("/staff/lessons"))
    assert "Leçons retenues : 2" in page  # (text_of makes the no-break space a space)
    assert "Les apprenants voient la version publiée le" in page  # bonjour: an earlier version
    assert "Les apprenants ne voient pas cette leçon" in page  # nouvelle: nothing yet
    assert (
        "<code>title</code> contient « : », alors il doit être écrit entre guillemets : "
        "title: &#34;Dire : allo&#34;" in page
    )
    assert "l’image <code>absent.png</code> n’a pas de texte de remplacement" in page
    assert ' lang="en"' not in page.split("<main", 1)[1]
    shutil.copy(FIXTURE_LESSONS / LESSON, path)
    save(path, path.read_text(encoding="utf-8"))
    page = text_of(client.get("/staff/lessons"))
    assert "Les apprenants voient la version publiée le" not in page
