"""Problems in the reader's language: the one place where a Problem becomes a sentence.

`lessons/` knows nothing of Flask or of who is reading. Every message is an English msgid
marked with N_() (extracted by `make messages` into the same catalogue as the site's pages);
the terminal, the health page and the editor each ask for a Translator in the person's
language and call `translator.message(problem)` or `translator.line(problem)`.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from coursesite.lessons.problems import N_, Problem, Text

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
CODE = re.compile(r"`([^`\n]+)`")
ASCII_SPACES = re.compile(r"[ \t\n\r\f\v]+")
SEVERITIES = {"error": N_("error"), "warning": N_("warning")}
SUMMARY = N_(
    "Lesson files checked in %(root)s: %(count)s. Errors: %(errors)s. Warnings: %(warnings)s."
)


class Translator:
    """Turn Problems into sentences in one language."""

    def __init__(self, lang: str, translations: NullTranslations | None = None):
        self.lang = lang
        self.translations = translations or NullTranslations()
        try:
            self.locale = Locale.parse(lang)
        except (ValueError, UnknownLocaleError):
            self.locale = Locale("en")

    def gettext(self, msgid: str) -> str:
        return self.translations.gettext(msgid)

    def _value(self, value):
        if isinstance(value, Text):
            return self.gettext(value)
        if isinstance(value, int) and not isinstance(value, bool):
            # 5,000,052 in English, 5 000 052 in French.
            return format_decimal(value, locale=self.locale)
        if isinstance(value, tuple | list):
            return ", ".join(str(self._value(item)) for item in value)
        return value

    def message(self, problem: Problem) -> str:
        """Return what is wrong and what to do, in this language, on one line."""
        template = self.gettext(problem.msgid)
        if problem.params:
            template = template % {name: self._value(v) for name, v in problem.params}
        # One line, whatever a parameter held; the no-break spaces of French numbers stay.
        return ASCII_SPACES.sub(" ", template).strip()

    def severity(self, problem: Problem) -> str:
        return self.gettext(SEVERITIES.get(problem.severity, problem.severity))

    def line(self, problem: Problem, path: str | None = None) -> str:
        """Return `path:line: severity: message`, the terminal's and editors' format."""
        where = problem.path if path is None else path
        return f"{where}:{problem.line}: {self.severity(problem)}: {self.message(problem)}"

    def summary(self, root, count: int, problems: list[Problem]) -> str:
        """Return the closing line of a report: how many files, errors and warnings."""
        errors = sum(problem.is_error for problem in problems)
        params = {"root": str(root), "count": count, "errors": errors}
        params["warnings"] = len(problems) - errors
        return self.gettext(SUMMARY) % {name: self._value(v) for name, v in params.items()}

    def rows(self, problems: list[Problem]) -> list[dict]:
        """Return problems as JSON-ready rows: path, line, severity (error|warning), message."""
        return [
            {
                "path": str(problem.path),
                "line": problem.line,
                "severity": problem.severity,
                "message": self.message(problem),
            }
            for problem in problems
        ]


ENGLISH = Translator("en")


@functools.cache
def translator(lang: str | None, directory: Path = TRANSLATIONS) -> Translator:
    """Return the Translator for a language code like `fr`, `fr_CA` or `en`."""
    code = (lang or "fr").replace("-", "_").split(".")[0]
    base = code.split("_")[0].lower() or "fr"
    if base == "en":
        return ENGLISH
    # The .mo files are built by `pybabel compile`; without them, English rather than a crash.
    found = Translations.load(str(directory), [base])
    return Translator(base, found)


def code_parts(message: str) -> list[tuple[bool, str]]:
    """Split a message into (is_code, text) parts: what it quotes `like this` is code.

    A terminal shows the backticks; a page shows those parts as <code> without them.
    """
    parts, start = [], 0
    for match in CODE.finditer(message):
        if match.start() > start:
            parts.append((False, message[start : match.start()]))
        parts.append((True, match.group(1)))
        start = match.end()
    if start < len(message):
        parts.append((False, message[start:]))
    return parts


def language_from_environment(default: str = "fr") -> str:
    """Return the language of the terminal (LC_ALL, LC_MESSAGES, LANG), or `default`."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        code = value.split(".")[0].split("_")[0].lower()
        if code and code not in ("c", "posix"):
            return code
    return default
