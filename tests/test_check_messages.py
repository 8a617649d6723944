"""`lessons check` speaks the reader's language: every message is in the catalogue."""

import datetime as dt
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo

from coursesite.lessons.checks.check import CheckSettings, check_lesson_source
from coursesite.lessons.messages import TRANSLATIONS, language_from_environment, translator
from coursesite.lessons.problems import Problem

LESSONS_CODE = Path(__file__).resolve().parent.parent / "coursesite" / "lessons"
SETTINGS = CheckSettings(today=dt.date(2026, 11, 26))
SLIPS = """---
title: Payer une facture : en ligne
summary:Une leçon.
duration: 5
updated: "2026-11-20"
---

## Un

![](absent.png)
"""


def marked_messages() -> set[str]:
    found = extract_from_dir(
        str(LESSONS_CODE), method_map=[("**.py", "python")], keywords={"N_": None}
    )
    return {message for _, _, message, *_ in found}


def test_every_message_of_the_checker_is_translated_into_french():
    messages = marked_messages()
    assert len(messages) > 60  # every message, not a handful
    with open(TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        catalogue = read_mo(handle)
    untranslated = [m for m in messages if not (catalogue.get(m) and catalogue.get(m).string)]
    assert untranslated == []


def test_a_file_with_several_slips_reads_in_french_line_by_line(tmp_path):
    folder = tmp_path / "fr" / "facture"
    folder.mkdir(parents=True)
    problems = check_lesson_source(SLIPS, folder, "fr", settings=SETTINGS)
    french = translator("fr")
    lines = [french.line(p, "lesson.md") for p in problems]
    assert lines == [
        "lesson.md:2: erreur: `title` contient «\u00a0:\u00a0», alors il doit être écrit entre guillemets\u00a0: "
        'title: "Payer une facture : en ligne"',
        "lesson.md:3: erreur: mettez une espace après le deux-points\u00a0: summary: Une leçon.",
        "lesson.md:10: erreur: l’image `absent.png` n’a pas de texte de remplacement, alors les "
        "personnes qui ne la voient pas manquent ce qu’elle montre\u00a0: décrivez-la entre les "
        "crochets, comme ![Ce que l’image montre](absent.png)",
        "lesson.md:10: erreur: l’image `absent.png` n’est pas dans le dossier facture/\u00a0: vérifiez "
        "son nom (les majuscules comptent) ou copiez l’image dans ce dossier",
    ]  # YAML stops at the first slip; both slips are reported, and the rest of the file too.
    fixed = SLIPS.replace("facture : en", "facture en").replace("summary:", "summary: ")
    problems = check_lesson_source(fixed, folder, "fr", settings=SETTINGS)
    assert [french.line(p, "lesson.md") for p in problems] == lines[2:]
    # …and the quoted date is accepted: nothing about line 5.


def test_english_is_the_msgid_and_numbers_follow_the_language(tmp_path):
    problem = Problem(
        tmp_path / "lesson.md",
        1,
        "the file is too large (%(size)s bytes; at most %(limit)s): split the lesson",
        "error",
        {"size": 5_000_052, "limit": 250_000},
    )
    assert translator("en").message(problem) == (
        "the file is too large (5,000,052 bytes; at most 250,000): split the lesson"
    )
    assert translator("fr_CA.UTF-8").message(problem) == (
        "le fichier est trop gros (5\u202f000\u202f052 octets; au plus 250\u202f000)\u00a0: "
        "divisez la leçon"
    )
    assert translator("fr").severity(problem) == "erreur"


def test_the_terminal_language_comes_from_the_environment(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert language_from_environment() == "fr"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert language_from_environment() == "fr"
    monkeypatch.setenv("LANG", "en_CA.UTF-8")
    assert language_from_environment() == "en"
