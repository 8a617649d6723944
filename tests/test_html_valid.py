"""Every page type's HTML validates (html-validate, recommended rules) with zero errors."""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
HTML_VALIDATE = ROOT / "node_modules" / ".bin" / "html-validate"

# Each page type with the status it must answer: a page that broke into a 404 or a 500 would
# otherwise validate as the error page and pass.
PAGES = {
    "choose-language": ("/", 200),
    "catalogue": ("/fr/", 200),
    "catalogue-en": ("/en/", 200),
    "topic": ("/fr/topics/essai", 200),
    "lesson": ("/fr/lessons/bonjour/", 200),
    "step": ("/fr/lessons/bonjour/2", 200),
    "step-image": ("/en/lessons/bonjour/1", 200),
    "end": ("/fr/lessons/bonjour/end", 200),
    "print": ("/fr/lessons/bonjour/print", 200),
    "search": ("/fr/search?q=porte", 200),
    "search-empty": ("/en/search?q=zzz", 200),
    "not-found": ("/fr/lessons/nope/", 404),
    "poster": ("/poster", 200),
}


def validate(files: list[Path]) -> list[str]:
    """Return html-validate's errors for these files, one line each."""
    if not HTML_VALIDATE.exists():
        pytest.fail("html-validate is missing: run `make test` (npm ci installs it)")
    # Written to a file: node may cut a large report short when stdout is a pipe.
    report_path = files[0].parent / "html-validate.json"
    subprocess.run(
        [
            str(HTML_VALIDATE),
            "--config",
            str(ROOT / ".htmlvalidate.json"),
            "--formatter",
            f"json={report_path}",
            *map(str, files),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    problems = []
    for report in json.loads(report_path.read_text() or "[]"):
        for message in report["messages"]:
            problems.append(
                f"{Path(report['filePath']).name}:{message['line']}: {message['ruleId']}: {message['message']}"
            )
    return problems


def save_pages(client, pages: dict, folder: Path) -> list[Path]:
    """Save each page to a file; `pages` maps a name to a URL (which must answer 200) or to
    (URL, expected status)."""
    files = []
    for name, page in pages.items():
        url, status = (page, 200) if isinstance(page, str) else page
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert response.mimetype == "text/html", url
        path = folder / f"{name}.html"
        path.write_bytes(response.data)
        files.append(path)
    return files


def test_every_page_type_is_valid_html(client, tmp_path):
    assert validate(save_pages(client, PAGES, tmp_path)) == []


def test_the_validator_does_catch_errors(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html lang="fr"><head><title>x</title></head><body><p><div></p></body></html>'
    )
    assert validate([broken]) != []
