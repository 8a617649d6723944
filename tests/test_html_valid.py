"""Every page type's HTML validates (html-validate, recommended rules) with zero errors."""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
HTML_VALIDATE = ROOT / "node_modules" / ".bin" / "html-validate"

PAGES = {
    "choose-language": "/",
    "catalogue": "/fr/",
    "catalogue-en": "/en/",
    "topic": "/fr/topics/essai",
    "lesson": "/fr/lessons/bonjour/",
    "step": "/fr/lessons/bonjour/2",
    "step-image": "/en/lessons/bonjour/1",
    "end": "/fr/lessons/bonjour/end",
    "print": "/fr/lessons/bonjour/print",
    "search": "/fr/search?q=porte",
    "search-empty": "/en/search?q=zzz",
    "not-found": "/fr/lessons/nope/",
    "poster": "/poster",
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
    files = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
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
