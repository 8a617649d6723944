"""lessons/synonyms.yml: the words people type, read, expanded and checked."""

import os
from pathlib import Path

from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.folder_check import check_lessons
from coursesite.lessons.synonyms import SynonymsFile, load_synonyms
from tests.conftest import STARTER_LESSONS

FRONT = "---\ntitle: Leçon\nsummary: s\nduration: 5\n---\n\n## Un {#un}\n\nTexte.\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "synonyms.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_starter_list_loads_clean_and_knows_the_words_quebecers_use():
    synonyms, problems = load_synonyms(STARTER_LESSONS / "synonyms.yml")
    assert problems == []
    chomage = synonyms.expand("fr", "chômage")[0]
    assert ("assurance", "emploi") in chomage
    # courriel <-> email <-> mail, whichever is typed, accents and capitals aside.
    for typed in ("Courriel", "email", "MAIL"):
        alternatives = synonyms.expand("fr", typed)[0]
        assert {("courriel",), ("email",), ("mail",)} <= set(alternatives)
    assert ("password",) in synonyms.expand("fr", "mot de passe")[0]
    assert ("telephone",) in synonyms.expand("fr", "cellulaire")[0]
    assert ("employment", "insurance") in synonyms.expand("en", "unemployment")[0]


def test_a_phrase_is_one_unit_and_other_words_stay_as_typed(tmp_path):
    synonyms, _ = load_synonyms(write(tmp_path, "fr:\n  - [mot de passe, password]\n"))
    assert synonyms.expand("fr", "Mot de passe oublié") == [
        (("mot", "de", "passe"), ("password",)),
        (("oublie",),),
    ]
    assert synonyms.expand("en", "mot de passe") == [(("mot",),), (("de",),), (("passe",),)]


def test_every_problem_is_reported_with_its_line(tmp_path):
    path = write(
        tmp_path,
        "fr:\n"
        "  - [courriel, email]\n"
        "  - [mail]\n"  # 3: alone
        "  - [email, e-mail]\n"  # 4: email already on line 2
        "  - courriel\n"  # 5: not a list
        "de:\n"  # 6: not a language of the site
        "  - [a, b]\n",
    )
    synonyms, problems = load_synonyms(path)
    lines = sorted((p.line, p.severity) for p in problems)
    assert lines == [(3, "error"), (4, "error"), (4, "error"), (5, "error"), (6, "error")]
    assert any("already in the group on line 2" in p.message for p in problems)
    assert synonyms.groups["fr"] == ((("courriel",), ("email",)),)  # the good group still works


def test_lessons_check_reports_a_broken_synonyms_file(tmp_path):
    (tmp_path / "fr" / "lecon").mkdir(parents=True)
    (tmp_path / "fr" / "lecon" / "lesson.md").write_text(FRONT, encoding="utf-8")
    write(tmp_path, "fr:\n  - [courriel, email\n")
    problems = check_lessons(tmp_path, CheckSettings(languages=("fr", "en")))
    found = [p for p in problems if p.path.name == "synonyms.yml"]
    assert [(p.line, p.severity) for p in found] == [(3, "error")]
    assert "cannot be read from this line on" in found[0].message


def test_the_site_reads_an_edit_at_once_and_keeps_the_last_good_list(tmp_path):
    path = write(tmp_path, "fr:\n  - [chômage, assurance-emploi]\n")
    live = SynonymsFile(path)
    assert ("assurance", "emploi") in live.current().expand("fr", "chomage")[0]
    path.write_text("fr:\n  - [chômage, assurance-emploi, AE]\n", encoding="utf-8")
    os.utime(path, ns=(1, 2))
    assert ("ae",) in live.current().expand("fr", "chomage")[0]
    path.write_text("fr: [\n", encoding="utf-8")  # a slip while editing
    os.utime(path, ns=(3, 4))
    assert ("ae",) in live.current().expand("fr", "chomage")[0]
