"""Read a CSV list of learners as a spreadsheet program writes it: one per line, name then
optional username and language, with or without a line of column titles, commas or
semicolons, UTF-8 or Windows encoding. Every problem is a plain sentence with its line.
"""

import csv
import io
import re

from flask_babel import lazy_gettext as _l

from coursesite.accounts.users import AccountError

MAX_LEARNERS = 200
# A line holds a name (80 characters), a username (40) and a language: anything much longer
# is not a list of learners, and Python's csv module refuses cells over 131,072 characters.
MAX_LINE_CHARS = 1000
MAX_FILE_BYTES = MAX_LEARNERS * MAX_LINE_CHARS
# Characters no spreadsheet writes in a CSV file: their presence means another kind of file.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
HEADER_NAMES = {
    "name": "name",
    "nom": "name",
    "display name": "name",
    "prénom": "name",
    "prenom": "name",
    "username": "username",
    "nom d'utilisateur": "username",
    "nom d’utilisateur": "username",
    "utilisateur": "username",
    "language": "language",
    "langue": "language",
}
COLUMNS = ("name", "username", "language")


class LearnerImportError(AccountError):
    """The file cannot be imported; `problems` holds one plain sentence per problem."""


def decode(data: bytes) -> str:
    """Return the file's text: UTF-8 (with or without BOM), else Windows-1252.

    Line ends become "\n" whichever the program wrote: Windows (CR LF), Unix (LF), or the
    CR alone of a spreadsheet's "CSV (Macintosh)".
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if NOT_TEXT.search(text):
        raise LearnerImportError(
            [_l("This is not a CSV text file. Save the list as CSV and try again.")]
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def long_lines(text: str) -> list:
    """Return a problem for each line too long to be a learner."""
    return [
        _l(
            "Line %(line)d: this line has %(count)d characters; a line holds only a name, "
            "a username and a language.",
            line=number,
            count=len(line),
        )
        for number, line in enumerate(text.split("\n"), start=1)
        if len(line) > MAX_LINE_CHARS
    ]


def read_rows(text: str) -> list[tuple[int, dict]]:
    """Return (line number, {column: value}) for every non-empty line."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    problems = long_lines(text)
    if problems:
        raise LearnerImportError(problems)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    columns, rows = COLUMNS, []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # A quote opened and never closed swallows the lines after it: say where.
            raise LearnerImportError(
                [
                    _l(
                        "Line %(line)d: a quotation mark opens a cell that never ends. "
                        "Remove it, or close it.",
                        line=reader.line_num,
                    )
                ]
            ) from None
        line = reader.line_num
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if not rows and columns is COLUMNS and HEADER_NAMES.get(cells[0].casefold()) == "name":
            columns = tuple(HEADER_NAMES.get(c.casefold(), c) for c in cells)
            unknown = [c for c in columns if c not in COLUMNS]
            if unknown:
                raise LearnerImportError(
                    [
                        _l(
                            "Line %(line)d: unknown column “%(column)s”. The columns are name, "
                            "username and language.",
                            line=line,
                            column=unknown[0][:40],
                        )
                    ]
                )
            continue
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            rows.append((line, {"_too_many": True}))
            continue
        rows.append((line, dict(zip(columns, cells, strict=False))))
    return rows
