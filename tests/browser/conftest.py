"""Browser-layer helpers: axe-core checks and a same-origin request guard."""

from pathlib import Path

import pytest

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    """Run axe-core on the page and return one line per violation (empty when clean)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test` (npm ci installs it)")
    # Evaluated through the DevTools protocol rather than a <script> tag, which the site's
    # Content-Security-Policy (rightly) forbids.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "o => axe.run(document, o)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized browser context (360×640, touch) on the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        has_touch=True,
    )
    yield context
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    """A desktop browser context on the live server, French-speaking."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-CA", viewport={"width": 1280, "height": 800}
    )
    yield context
    context.close()
