"""Browser-layer helpers: axe-core checks, and a watch for Content-Security-Policy violations
on every page any browser test opens."""

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


# Runs in every page before its own scripts: a blocked script, style, image or frame fires
# `securitypolicyviolation`; it is passed to the test through the console.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def is_csp_violation(text: str) -> bool:
    # Chromium's own report ("Refused to … because it violates the following Content Security
    # Policy directive …") and the page listener's line above.
    return text.startswith("CSP violation:") or "Content Security Policy" in text


@pytest.fixture(autouse=True)
def csp_violations(request):
    """Fail a browser test if any page it opened broke the site's Content-Security-Policy.

    Every context the test makes (`browser.new_context`, `browser.new_page`, and the `phone` and
    `desktop` fixtures) is watched. Yields the list of violations seen so far, for a test that
    checks the watch itself.
    """
    if "browser" not in request.fixturenames:
        yield []
        return
    browser = request.getfixturevalue("browser")
    seen: list[str] = []

    def watch(context):
        context.add_init_script(CSP_REPORTER)
        context.on(
            "console",
            lambda message: (
                seen.append(f"{message.page.url if message.page else '?'}: {message.text}")
                if is_csp_violation(message.text)
                else None
            ),
        )
        return context

    new_context, new_page = browser.new_context, browser.new_page
    browser.new_context = lambda *args, **kwargs: watch(new_context(*args, **kwargs))

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        watch(page.context)
        return page

    browser.new_page = watched_page
    try:
        yield seen
    finally:
        del browser.new_context, browser.new_page  # back to the class's own methods
    assert seen == [], "Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(seen))


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
