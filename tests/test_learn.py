"""Learner pages over HTTP: catalogue, overview, steps, end page, print view, images."""

import re

import pytest


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_catalogue_groups_lessons_by_topic_with_duration_and_level(client):
    page = text_of(client.get("/fr/"))
    assert '<h2 id="topic-1">Essai</h2>' in page
    assert "Dire bonjour" in page and "5 min" in page and "Niveau 1 sur 3" in page
    assert "3 étapes" in page


def test_lesson_overview_lists_summary_and_steps(client):
    page = text_of(client.get("/fr/lessons/bonjour/"))
    assert "Une petite leçon pour les tests." in page
    assert "Une introduction <strong>courte</strong>." in page
    for title in ("Ouvrir la porte", "Saluer", "Partir"):
        assert title in page
    assert 'href="/fr/lessons/bonjour/1"' in page


def test_step_page_shows_position_progress_and_navigation(client):
    page = text_of(client.get("/fr/lessons/bonjour/2"))
    assert "Étape 2 sur 3" in page
    assert '<progress max="3" value="2"' in page
    assert '<h1 id="step-title">Saluer</h1>' in page
    assert "<kbd>Bonjour</kbd>" in page
    assert 'class="callout-title">Astuce<' in page
    assert 'href="/fr/lessons/bonjour/1" rel="prev"' in page
    assert 'href="/fr/lessons/bonjour/3" rel="next"' in page
    assert "Retour au sommaire de la leçon" in page


def test_first_step_goes_back_to_overview_and_last_goes_to_end_page(client):
    assert 'href="/fr/lessons/bonjour/" rel="prev"' in text_of(client.get("/fr/lessons/bonjour/1"))
    last = text_of(client.get("/fr/lessons/bonjour/3"))
    assert 'href="/fr/lessons/bonjour/end" rel="next"' in last and "</span> terminer" in last
    end = text_of(client.get("/fr/lessons/bonjour/end"))
    # Nothing marked done: the end page does not say "Bravo" (tests/test_lesson_aids.py).
    assert "Fin de la leçon" in end and "Vous avez fait 0 étape sur 3 de « Dire bonjour »." in end


def test_step_images_have_dimensions_and_come_from_the_lesson_folder(client):
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    img = re.search(r"<img [^>]*>", page).group(0)
    assert 'src="/fr/lessons/bonjour/media/porte.png"' in img
    assert 'width="320"' in img and 'height="200"' in img and 'alt="La porte est ouverte"' in img
    with client.get("/fr/lessons/bonjour/media/porte.png") as image:
        assert image.status_code == 200 and image.mimetype == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "/fr/lessons/bonjour/0",
        "/fr/lessons/bonjour/4",
        "/fr/lessons/nope/",
        "/de/",
        "/fr/lessons/bonjour/x",
        "/fr/lessons/bonjour/media/lesson.md",
        "/fr/lessons/bonjour/media/..%2flesson.md",
        "/fr/lessons/bonjour/media/../../en/bonjour/porte.png",
        "/fr/lessons/bonjour/media/%2e%2e/%2e%2e/paths.yml",
    ],
)
def test_unknown_pages_and_files_answer_404_in_french(client, url):
    with client.get(url) as response:
        assert response.status_code == 404
        assert "Nous n’avons pas trouvé cette page" in response.get_data(as_text=True)


def test_print_view_holds_every_step_with_large_print_styles(client):
    page = text_of(client.get("/fr/lessons/bonjour/print"))
    assert page.count('class="print-step"') == 3
    assert 'class="print-view"' in page
    with client.get("/static/css/site.css") as css:
        assert "@media print" in css.get_data(as_text=True)


def test_language_switch_lands_on_the_same_step_by_id(client):
    # "Partir" {#leave} is step 3 in French and step 2 in English.
    page = text_of(client.get("/fr/lessons/bonjour/3"))
    assert 'href="/en/lessons/bonjour/2" hreflang="en"' in page
    english = text_of(client.get("/en/lessons/bonjour/2"))
    assert "Step 2 of 2" in english and 'href="/fr/lessons/bonjour/3" hreflang="fr"' in english


def test_switching_to_a_language_without_the_step_goes_to_the_lesson(client):
    page = text_of(client.get("/fr/lessons/bonjour/2"))  # "Saluer" has no English version
    assert 'href="/en/lessons/bonjour/" hreflang="en"' in page


def test_switching_to_a_language_without_the_lesson_shows_a_polite_notice(client, lessons_dir):
    folder = lessons_dir / "fr" / "seulement-fr"
    folder.mkdir()
    (folder / "lesson.md").write_text(
        "---\ntitle: Seul\nsummary: s\nduration: 3\n---\n## Un\n\nx\n", encoding="utf-8"
    )
    page = text_of(client.get("/fr/lessons/seulement-fr/1"))
    assert 'href="/en/?missing=seulement-fr"' in page
    notice = text_of(client.get("/en/?missing=seulement-fr"))
    assert "Sorry, the lesson “Seul” is not available in this language yet." in notice


def test_edited_lesson_shows_without_restart(client, lessons_dir):
    path = lessons_dir / "fr" / "bonjour" / "lesson.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Poussez la porte.", "Tirez la porte."),
        encoding="utf-8",
    )
    import os

    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert "Tirez la porte." in text_of(client.get("/fr/lessons/bonjour/1"))


def test_static_files_are_fingerprinted_and_cached_long(client):
    page = client.get("/fr/").get_data(as_text=True)
    css_url = re.search(r'href="(/static/css/site.css\?v=[0-9a-f]{10})"', page).group(1)
    with client.get(css_url) as response:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]


def test_a_large_topic_shows_its_first_lessons_and_links_to_all_of_them(client, lessons_dir):
    for number in range(12):
        folder = lessons_dir / "fr" / f"extra-{number:02d}"
        folder.mkdir()
        (folder / "lesson.md").write_text(
            f"---\ntitle: Leçon {number:02d}\nsummary: s\nduration: 3\ntopics: [essai]\n---\n## Un\n\nx\n",
            encoding="utf-8",
        )
    page = text_of(client.get("/fr/"))
    assert page.count('class="card"') == 6
    assert 'href="/fr/topics/essai">Voir les 13 leçons sur « essai »' in page
    topic = text_of(client.get("/fr/topics/essai"))
    assert topic.count('class="card"') == 13 and "<h1>Essai</h1>" in topic and "13 leçons" in topic
    assert client.get("/fr/topics/ESSAI").status_code == 200
    assert client.get("/fr/topics/nothing-here").status_code == 404


def test_a_small_topic_shows_all_its_lessons_on_the_catalogue(client):
    page = text_of(client.get("/fr/"))
    assert page.count('class="card"') == 1 and "/fr/topics/" not in page
