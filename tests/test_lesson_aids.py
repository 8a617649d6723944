"""What helps a learner finish: one tap to mark and go on, an end page that tells the truth,
a picture's own page, the take-home sheet, and search in the words people use."""

import os
import re
import shutil

import pytest

from tests.conftest import app_database, csrf_token_from


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def mark_and_next(client, number, lesson="bonjour", lang="fr"):
    """Press the step's "I did this step → next", as a browser without JavaScript does."""
    page = client.get(f"/{lang}/lessons/{lesson}/{number}").get_data(as_text=True)
    bar = re.search(r'<nav class="step-bar".*?</nav>', page, re.S).group(0)
    action = re.search(r'<form method="post" action="([^"]+)"', bar).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', bar))
    return client.post(action.replace("&amp;", "&"), data=fields)


def test_i_did_this_step_marks_it_and_goes_on_in_one_request(client):
    response = mark_and_next(client, 1)
    assert response.status_code == 303
    assert response.headers["Location"] == "/fr/lessons/bonjour/2"
    page = text_of(client.get("/fr/lessons/bonjour/1"))
    assert "Vous avez fait cette étape." in page  # it was marked on the way
    # The last step goes on to the end page.
    assert mark_and_next(client, 3).headers["Location"] == "/fr/lessons/bonjour/end"


def test_skip_goes_on_without_marking(client):
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    assert re.search(
        r'<a class="step-skip" href="/fr/lessons/bonjour/2" rel="next">Passer</a>', page
    )


def test_the_end_page_says_how_many_steps_were_done_and_links_the_others(client):
    mark_and_next(client, 1)
    mark_and_next(client, 3)
    end = text_of(client.get("/fr/lessons/bonjour/end"))
    assert "Bravo" not in end
    assert "Vous avez fait 2 étapes sur 3 de « Dire bonjour »." in end
    assert re.search(
        r'<ul class="steps-left"> <li><a href="/fr/lessons/bonjour/2">Étape 2 : Saluer</a>', end
    )
    assert '/fr/lessons/bonjour/1"' not in end.split("steps-left")[1].split("</ul>")[0]
    mark_and_next(client, 2)
    end = text_of(client.get("/fr/lessons/bonjour/end"))
    assert "Bravo!" in end and "Vous avez fait les 3 étapes de « Dire bonjour »." in end
    assert "steps-left" not in end


def test_the_end_page_offers_the_next_lesson_of_the_learners_path(
    app, client, auth, make_learner, lessons_dir
):
    from coursesite.data.models import User
    from coursesite.desk.paths import assign_path

    for lang in ("fr", "en"):
        shutil.copytree(lessons_dir / lang / "bonjour", lessons_dir / lang / "au-revoir")
        copy = lessons_dir / lang / "au-revoir" / "lesson.md"
        copy.write_text(
            copy.read_text(encoding="utf-8")
            .replace("Dire bonjour", "Dire au revoir")
            .replace("Say hello", "Say goodbye"),
            encoding="utf-8",
        )
        stat = copy.stat()
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    make_learner("carole")
    with app_database(app):
        assign_path(
            User.get(User.username == "carole"), None, ["bonjour", "au-revoir"], title="Saluer"
        )
    auth.login("carole")
    end = text_of(client.get("/fr/lessons/bonjour/end"))
    assert "La suite de votre parcours" in end and "Dire au revoir" in end
    assert 'href="/fr/lessons/au-revoir/"' in end
    # A visitor has no path: no "next in your path".
    auth.logout()
    assert "La suite de votre parcours" not in text_of(client.get("/fr/lessons/bonjour/end"))


def test_a_steps_picture_has_its_own_page_with_the_way_back(client):
    step = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    page = text_of(client.get("/fr/lessons/bonjour/1/picture/1"))
    assert '<img src="' in page and 'alt="La porte est ouverte"' in page
    assert '<a class="button button-large button-primary" href="/fr/lessons/bonjour/1">' in page
    assert (
        "Retour à l’étape" in page and "<script" not in page.split("<main")[1].split("</main>")[0]
    )
    assert "Ouvrir la porte" in page  # the step's title
    assert 'alt="La porte est ouverte"' in step
    assert client.get("/fr/lessons/bonjour/1/picture/2").status_code == 404
    assert client.get("/fr/lessons/bonjour/2/picture/1").status_code == 404
    assert client.get("/fr/lessons/bonjour/9/picture/1").status_code == 404


REMEMBER = """
> [!REMEMBER]
> Mon adresse courriel : **____________**
"""


def test_the_take_home_sheet_lists_the_steps_what_to_write_down_and_the_lab(
    app, client, lessons_dir
):
    lesson = lessons_dir / "fr" / "bonjour" / "lesson.md"
    lesson.write_text(
        lesson.read_text(encoding="utf-8").replace("Au revoir.", "Au revoir.\n" + REMEMBER),
        encoding="utf-8",
    )
    stat = lesson.stat()
    os.utime(lesson, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    app.config["LAB_ADDRESS"] = "123, rue Saint-Jean, Québec; 418 555-0100"
    page = text_of(client.get("/fr/lessons/bonjour/sheet"))
    assert '<h1 id="sheet-title">Dire bonjour</h1>' in page and "Aide-mémoire" in page
    assert page.count('<span class="sheet-box" aria-hidden="true">☐</span>') == 3
    assert "À noter" in page and "Mon adresse courriel" in page
    assert "<p>123, rue Saint-Jean, Québec</p>" in page and "<p>418 555-0100</p>" in page
    assert '<svg role="img"' in page and "/fr/lessons/bonjour/" in page  # the lesson's QR code
    # The same callout shows in the step itself, titled in the page's language.
    step = text_of(client.get("/fr/lessons/bonjour/3"))
    assert 'class="callout callout-remember"' in step and ">À noter<" in step


@pytest.fixture
def starter_client(starter_app):
    return starter_app.test_client()


def result_links(client, lang, query) -> list[str]:
    page = client.get(f"/{lang}/search", query_string={"q": query}).get_data(as_text=True)
    return re.findall(r'<h2><a href="([^"]+)"', page)


@pytest.mark.parametrize(
    ("lang", "query", "lesson"),
    [
        ("fr", "chômage", "demande-assurance-emploi"),
        ("fr", "chomage", "demande-assurance-emploi"),
        ("fr", "email", "creer-adresse-courriel"),
        ("fr", "mail", "creer-adresse-courriel"),
        ("fr", "password", "creer-adresse-courriel"),
        ("en", "unemployment", "demande-assurance-emploi"),
        ("en", "courriel", "creer-adresse-courriel"),
    ],
)
def test_search_finds_lessons_in_the_words_people_use(starter_client, lang, query, lesson):
    assert any(
        f"/{lang}/lessons/{lesson}/" in link for link in result_links(starter_client, lang, query)
    )


def test_a_word_without_synonyms_still_finds_only_what_it_says(starter_client):
    assert result_links(starter_client, "fr", "chômage zzzz") == []


def test_mark_and_next_needs_a_real_form(client):
    token = csrf_token_from(client.get("/fr/lessons/bonjour/1").get_data(as_text=True))
    response = client.post(
        "/progress/bonjour/open-door?lang=fr",
        data={"csrf_token": token, "done": "1", "then": "next"},
    )
    assert response.headers["Location"] == "/fr/lessons/bonjour/2"
    assert (
        client.post(
            "/progress/bonjour/open-door?lang=fr", data={"done": "1", "then": "next"}
        ).status_code
        == 400
    )
