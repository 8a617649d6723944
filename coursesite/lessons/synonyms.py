"""The words people type, and the words the lessons use: lessons/synonyms.yml.

A learner searches for "chômage" where the lesson says "assurance-emploi", for "mail" where
it says "courriel". Staff keep groups of words that mean the same thing, per language; a
search for any word of a group also finds the others. Pure: no Flask, no database.

    fr:
      - [chômage, assurance-emploi]
      - [courriel, email, mail]
    en:
      - [employment insurance, EI, unemployment]
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coursesite.lessons.files import file_stamp
from coursesite.lessons.problems import N_, Problem

MAX_BYTES = 200_000
MAX_WORDS = 6  # in one entry: "adresse de courrier électronique" is five
WORD = re.compile(r"\w+", re.UNICODE)

Phrase = tuple[str, ...]  # an entry as plain words: "assurance-emploi" -> ("assurance", "emploi")


def plain_words(text: str) -> Phrase:
    """Return the words of text without capitals or accents, as search compares them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(WORD.findall(stripped))


@dataclass(frozen=True)
class Synonyms:
    """Groups of phrases that mean the same thing, per language."""

    groups: dict[str, tuple[tuple[Phrase, ...], ...]] = field(default_factory=dict)

    def expand(self, lang: str, text: str) -> list[tuple[Phrase, ...]]:
        """Split what a person typed into units, each with the phrases that may stand for it.

        "chomage Québec" -> [(("chomage",), ("assurance", "emploi")), (("quebec",),)]: the
        first phrase of each unit is what was typed. Longer entries win ("mot de passe"
        before "mot").
        """
        words = plain_words(text)
        phrases = sorted(
            {phrase: group for group in self.groups.get(lang, ()) for phrase in group}.items(),
            key=lambda item: -len(item[0]),
        )
        units, i = [], 0
        while i < len(words):
            for phrase, group in phrases:
                if words[i : i + len(phrase)] == phrase:
                    others = tuple(p for p in group if p != phrase)
                    units.append((phrase, *others))
                    i += len(phrase)
                    break
            else:
                units.append((words[i : i + 1],))
                i += 1
        return units


def load_synonyms(path: Path, languages=("fr", "en")) -> tuple[Synonyms, list[Problem]]:
    """Return the groups that make sense and a problem for each thing that does not."""
    try:
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            message = N_("synonyms.yml is too large: keep it under 200 KB")
            return Synonyms(), [Problem(path, 1, message)]
        text = data.decode("utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        message = N_("cannot read synonyms.yml (%(reason)s): save it as UTF-8 text")
        return Synonyms(), [Problem.unreadable(path, exc, message)]
    except yaml.YAMLError as exc:
        message = N_(
            "synonyms.yml cannot be read from this line on (%(reason)s): write each group as "
            "- [word, word]"
        )
        return Synonyms(), [Problem.broken_yaml(path, exc, message)]
    if root is None:
        return Synonyms(), []
    if not isinstance(root, yaml.MappingNode):
        message = N_("synonyms.yml must list word groups under each language (fr:, en:)")
        return Synonyms(), [Problem(path, 1, message)]
    groups, problems = {}, []
    for key, value in root.value:
        lang = key.value if isinstance(key, yaml.ScalarNode) else ""
        line = key.start_mark.line + 1
        if lang not in languages:
            message = N_("`%(lang)s` is not a language of the site (%(languages)s)")
            params = {"lang": lang, "languages": ", ".join(languages)}
            problems.append(Problem(path, line, message, "error", params))
        elif not isinstance(value, yaml.SequenceNode):
            message = N_("under `%(lang)s:`, write one group per line: - [word, word]")
            problems.append(Problem(path, line, message, "error", {"lang": lang}))
        else:
            groups[lang] = _groups(path, value.value, problems)
    return Synonyms(groups), problems


def _groups(path: Path, nodes, problems: list[Problem]) -> tuple[tuple[Phrase, ...], ...]:
    """Return one language's groups, adding a problem for each entry that cannot be used."""
    groups, seen = [], {}
    for node in nodes:
        line = node.start_mark.line + 1
        entries = node.value if isinstance(node, yaml.SequenceNode) else None
        if not entries or not all(isinstance(e, yaml.ScalarNode) for e in entries):
            message = N_("a group is a list of words on one line: - [courriel, email]")
            problems.append(Problem(path, line, message))
            continue
        phrases = []
        for entry in entries:
            phrase = plain_words(entry.value)
            if not phrase:
                message = N_("`%(entry)s` has no word in it: remove it from the group")
                problems.append(Problem(path, line, message, "error", {"entry": entry.value}))
            elif len(phrase) > MAX_WORDS:
                message = N_("`%(entry)s` is longer than %(max)s words: search skips it")
                params = {"entry": entry.value, "max": MAX_WORDS}
                problems.append(Problem(path, line, message, "warning", params))
            elif phrase in seen:
                message = N_(
                    "`%(entry)s` is already in the group on line %(other)s: a word belongs to "
                    "one group, join the two groups"
                )
                params = {"entry": entry.value, "other": seen[phrase]}
                problems.append(Problem(path, line, message, "error", params))
            else:
                seen[phrase] = line
                phrases.append(phrase)
        if len(phrases) < 2:
            message = N_("a group needs at least two words that mean the same: add one")
            problems.append(Problem(path, line, message))
            continue
        groups.append(tuple(phrases))
    return tuple(groups)


def check_synonyms(root: Path, languages=("fr", "en")) -> list[Problem]:
    """Report the problems of root/synonyms.yml (nothing when there is no such file)."""
    path = Path(root) / "synonyms.yml"
    return load_synonyms(path, languages)[1] if path.is_file() else []


class SynonymsFile:
    """synonyms.yml as the site uses it, read again when it changes.

    An edit with an error keeps the last good groups online, as a broken lesson does.
    """

    def __init__(self, path: Path, languages=("fr", "en")):
        self.path = Path(path)
        self.languages = tuple(languages)
        self._signature = None
        self._synonyms = Synonyms()
        self._lock = threading.Lock()

    def current(self) -> Synonyms:
        signature = file_stamp(self.path)
        if signature != self._signature:
            with self._lock:
                if signature is None:
                    self._synonyms = Synonyms()
                else:
                    synonyms, problems = load_synonyms(self.path, self.languages)
                    errors = [p for p in problems if p.severity == "error"]
                    if not errors or not self._synonyms.groups:
                        self._synonyms = synonyms
                self._signature = signature
        return self._synonyms
