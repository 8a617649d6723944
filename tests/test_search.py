"""Search: case- and accent-insensitive, by prefix, in each language, kept in step with edits."""

import os
import re

import pytest

from coursesite import services
from coursesite.learn.lesson_pages.search_words import fts_queries


def result_links(client, lang, query):
    response = client.get(f"/{lang}/search", query_string={"q": query})
    assert response.status_code == 200
    return re.findall(r'<h2><a href="([^"]+)"', response.get_data(as_text=True))


def rewrite(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def starter_client(starter_app):
    return starter_app.test_client()


@pytest.mark.parametrize("query", ["courriel", "COURRIEL", "Courriel", "cour", "COUR"])
def test_case_and_prefix_do_not_matter(starter_client, query):
    assert "/fr/lessons/creer-adresse-courriel/" in result_links(starter_client, "fr", query)


@pytest.mark.parametrize("query", ["emploi", "Emploi", "EMPLOI", "assurance-emploi"])
def test_employment_insurance_is_found_in_french(starter_client, query):
    assert "/fr/lessons/demande-assurance-emploi/" in result_links(starter_client, "fr", query)


def test_accents_do_not_matter(client):
    # The French summary says "Une petite leçon pour les tests."
    with_accent = result_links(client, "fr", "leçon")
    assert with_accent == result_links(client, "fr", "LECON") and with_accent


def test_matches_in_a_step_link_to_that_step(client):
    assert result_links(client, "fr", "poussez") == ["/fr/lessons/bonjour/1"]
    assert result_links(client, "fr", "souriez") == ["/fr/lessons/bonjour/2"]


def test_each_language_searches_its_own_lessons(client):
    assert result_links(client, "en", "push") == ["/en/lessons/bonjour/1"]
    assert result_links(client, "fr", "push") == []
    assert result_links(client, "en", "poussez") == []


def test_search_results_show_the_matched_words(client):
    page = client.get("/fr/search?q=pouss").get_data(as_text=True)
    assert "<mark>Poussez</mark> la porte." in page
    assert "1 résultat pour «\u00a0pouss\u00a0»" in page


def test_index_follows_lesson_edits(client, lessons_dir):
    path = lessons_dir / "fr" / "bonjour" / "lesson.md"
    assert result_links(client, "fr", "poussez") == ["/fr/lessons/bonjour/1"]  # indexed
    rewrite(path, "Poussez la porte.", "Tournez la poignée.")
    assert result_links(client, "fr", "poignee") == ["/fr/lessons/bonjour/1"]
    assert result_links(client, "fr", "poussez") == []
    (lessons_dir / "fr" / "bonjour" / "lesson.md").unlink()
    assert result_links(client, "fr", "poignee") == []


def test_index_survives_a_restart_without_reindexing_unchanged_lessons(tmp_path):
    from tests.conftest import FIXTURE_LESSONS, make_app

    first = make_app(tmp_path, FIXTURE_LESSONS)
    services.search_index(first).sync()
    second = make_app(tmp_path, FIXTURE_LESSONS)
    index = services.search_index(second)
    written = []
    index._write = lambda lesson, digest, replace=True: written.append(lesson.id)
    index.sync()
    assert written == []
    assert result_links(second.test_client(), "fr", "souriez") == ["/fr/lessons/bonjour/2"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "a OR b",
        "NEAR(a b)",
        "title:porte",
        "porte)",
        "-porte",
        "^porte",
        "x" * 5000,
        "\x00porte",
        "%00",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "🙂",
        "   ",
    ],
)
def test_hostile_queries_get_a_normal_page(client, query):
    response = client.get("/fr/search", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


def test_fts_query_quotes_every_word():
    assert fts_queries('Noël "OR" a*')[0] == '"Noël"* "OR"* "a"*'
    assert fts_queries("!!!")[0] is None


def test_drafts_are_not_found_by_learners(client, lessons_dir):
    path = lessons_dir / "fr" / "bonjour" / "lesson.md"
    rewrite(path, "level: 1", "level: 1\ndraft: true")
    assert result_links(client, "fr", "poussez") == []


def test_search_box_is_on_every_lesson_page(client):
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    assert 'role="search"' in page and 'action="/fr/search"' in page


# Hostile lesson files: indexing stays linear (it took 8.5 s on 60,000 "[", stalling requests)

HOSTILE_BODIES = {
    "brackets": "[" * 245_000,
    "image openers": "![" * 122_000,
    "links never closed": "[a](" * 61_000,
    "attribute braces": "{=" * 122_000,
    "tags never closed": "<" * 245_000,
    "numbered lines": "\n1" * 122_000,
    "blank lines": "\n" * 245_000,
}


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_indexing_a_250_kb_hostile_lesson_takes_under_a_second(app, client, lessons_dir, name):
    import time

    folder = lessons_dir / "fr" / "piege"
    folder.mkdir()
    (folder / "lesson.md").write_text(
        "---\ntitle: Piège\nsummary: Un fichier hostile.\nduration: 5\nupdated: 2026-11-01\n---\n"
        f"\n## Un {{#un}}\n\n{HOSTILE_BODIES[name]}\n\nmotdepasse introuvable ailleurs\n",
        encoding="utf-8",
    )
    assert (folder / "lesson.md").stat().st_size > 240_000
    catalogue, index = services.catalogue(app), services.search_index(app)
    assert catalogue.get("fr", "piege") is not None
    started = time.thread_time()  # processor time: other test runs share this machine
    index.sync()
    assert time.thread_time() - started < 1.0
    assert "/fr/lessons/piege/1" in result_links(client, "fr", "introuvable")


@pytest.mark.parametrize("layout", ["one table for all languages", "rows without slots"])
def test_an_index_file_of_an_earlier_format_is_made_again(tmp_path, layout):
    # An index of an earlier version (user_version 0) held every language in one table, or
    # numbered its rows one by one: it is emptied, and every lesson indexed again.
    import sqlite3

    from tests.conftest import FIXTURE_LESSONS, make_app

    (tmp_path / "instance").mkdir(exist_ok=True)
    first = make_app(tmp_path, FIXTURE_LESSONS)
    services.search_index(first).sync()  # every lesson's version recorded as indexed
    path = services.search_index(first).database.database
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA user_version = 0")
        if layout == "one table for all languages":
            old.execute("DROP TABLE lesson_text_fr")
            old.execute("DROP TABLE lesson_text_en")
            old.execute(
                "CREATE VIRTUAL TABLE lesson_text USING fts5(lang UNINDEXED, "
                "lesson_id UNINDEXED, step UNINDEXED, title, body)"
            )
            old.execute("INSERT INTO lesson_text VALUES ('fr', 'bonjour', 1, 'Ancien', 'ancien')")
        else:
            old.execute(
                "INSERT INTO lesson_text_fr(rowid, lesson_id, step, title, body) "
                "VALUES (5, 'bonjour', 1, 'Ancien', 'ancien')"
            )
    second = make_app(tmp_path, FIXTURE_LESSONS)
    client = second.test_client()
    assert result_links(client, "fr", "souriez") == ["/fr/lessons/bonjour/2"]
    assert result_links(client, "fr", "ancien") == []
    with sqlite3.connect(path) as now:
        tables = {name for (name,) in now.execute("SELECT name FROM sqlite_master")}
        assert now.execute("PRAGMA user_version").fetchone() == (2,)
    assert "lesson_text" not in tables and {"lesson_text_fr", "lesson_text_en"} <= tables


def test_on_a_tie_the_lesson_comes_before_a_step_of_another_lesson(client, lessons_dir):
    # The same words, as a lesson's heading and as a step of a lesson indexed before it:
    # the lesson itself is the better answer to a word that names it.
    front = "summary: {summary}\nduration: 5\nlevel: 1\ntopics: []\nupdated: 2026-11-20\n"
    lessons = {
        "a-animaux": "---\ntitle: Animaux\n"
        + front.format(summary="Des animaux.")
        + "---\n\n## Zèbre\n\nrayures\n\n## Lion\n\ncrinière\n",
        "z-zebre": "---\ntitle: Zèbre\n" + front.format(summary="rayures") + "---\n\n"
        "## Regarder\n\nUne photo.\n",
    }
    for name, text in lessons.items():
        (lessons_dir / "fr" / name).mkdir()
        (lessons_dir / "fr" / name / "lesson.md").write_text(text, encoding="utf-8")
    assert result_links(client, "fr", "zèbre rayures") == [
        "/fr/lessons/z-zebre/",
        "/fr/lessons/a-animaux/1",
    ]


def test_a_full_page_of_results_even_when_drafts_rank_first(client, lessons_dir):
    # Snippets are made only for the first rows; when drafts (hidden from learners) fill
    # those, more rows are read until the page is full.
    for number in range(60):
        draft = number < 45  # the word in their title: they rank first
        folder = lessons_dir / "fr" / f"zanzibar-{number:02d}"
        folder.mkdir()
        title = f"Zanzibar {number}" if draft else f"Voyage {number}"
        (folder / "lesson.md").write_text(
            f"---\ntitle: {title}\nsummary: Une leçon.\nduration: 5\nlevel: 1\n"
            f"topics: [voyage]\nupdated: 2026-11-20\n{'draft: true' if draft else ''}\n---\n\n"
            "Une introduction.\n\n## Partir\n\nPrenez le bateau pour zanzibar.\n",
            encoding="utf-8",
        )
    links = result_links(client, "fr", "zanzibar")
    assert len(links) == 15  # every published lesson's step, and no draft
    assert all(re.fullmatch(r"/fr/lessons/zanzibar-(4[5-9]|5\d)/1", link) for link in links)


@pytest.mark.parametrize(
    ("snippet", "pieces"),
    [
        ("Poussez la porte.", (("Poussez la porte.", False),)),
        ("\x02Poussez\x03 la porte.", (("Poussez", True), (" la porte.", False))),
        ("…la \x02porte\x03", (("…la ", False), ("porte", True))),
        ("\x02a\x03\x02b\x03 c", (("a", True), ("b", True), (" c", False))),
        ("", ()),
    ],
)
def test_a_snippet_is_cut_into_matched_and_plain_pieces(snippet, pieces):
    from coursesite.learn.lesson_pages.search_words import split_snippet

    assert split_snippet(snippet) == pieces


@pytest.mark.parametrize(
    ("lang", "query", "lesson"),
    [
        ("en", "email", "creer-adresse-courriel"),
        ("fr", "courriel", "creer-adresse-courriel"),
        ("en", "music", "trouver-musique-en-ligne"),
        ("fr", "chômage", "demande-assurance-emploi"),
    ],
)
def test_a_word_that_names_a_lesson_finds_the_lesson_first(starter_client, lang, query, lesson):
    assert result_links(starter_client, lang, query)[0] == f"/{lang}/lessons/{lesson}/"


def test_rows_with_the_words_as_typed_come_before_those_only_a_synonym_finds(client, lessons_dir):
    # "mail" three times in a title outranks one "courriel" in a text; but the person typed
    # "courriel": where it is comes first, then what only its synonym finds.
    (lessons_dir / "synonyms.yml").write_text("fr:\n  - [courriel, mail]\n", encoding="utf-8")
    front = "summary: Une leçon.\nduration: 5\nlevel: 1\ntopics: []\nupdated: 2026-11-20\n"
    lessons = {
        "lettres": "---\ntitle: Les lettres\n" + front + "---\n\n## Le mail, le mail, le mail"
        "\n\nUne lettre arrive.\n",
        "adresses": "---\ntitle: Les adresses\n" + front + "---\n\n## Écrire\n\nVotre "
        "adresse courriel sert à tout, avec beaucoup d'autres mots autour.\n",
    }
    for name, text in lessons.items():
        (lessons_dir / "fr" / name).mkdir()
        (lessons_dir / "fr" / name / "lesson.md").write_text(text, encoding="utf-8")
    links = result_links(client, "fr", "courriel")
    assert links.index("/fr/lessons/adresses/1") < links.index("/fr/lessons/lettres/1")
