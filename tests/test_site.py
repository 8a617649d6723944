"""Site-wide pages: language choice, health check, poster, security headers."""

import json


def test_first_visit_offers_both_languages_browser_language_first(client):
    page = client.get("/", headers={"Accept-Language": "en-CA,en;q=0.9"}).get_data(as_text=True)
    assert page.index('lang="en" hreflang="en">English') < page.index(
        'lang="fr" hreflang="fr">Français'
    )
    assert '<html lang="en">' in page
    page = client.get("/", headers={"Accept-Language": "fr-CA"}).get_data(as_text=True)
    assert page.index(">Français<") < page.index(">English<")


def test_language_choice_is_remembered(client):
    client.get("/en/")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/en/"
    client.get("/fr/lessons/bonjour/")
    assert client.get("/").headers["Location"] == "/fr/"


def test_healthz_answers_short_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.data) == {"status": "ok", "database": "ok", "lessons": 2}


def test_poster_shows_address_and_a_local_qr_code(client):
    page = client.get("/poster", base_url="http://192.0.2.10:8000").get_data(as_text=True)
    assert "http://192.0.2.10:8000/" in page
    svg = client.get("/poster/qr.svg", base_url="http://192.0.2.10:8000")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_every_page_sends_a_strict_content_security_policy(client):
    headers = client.get("/fr/lessons/bonjour/1").headers
    csp = headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp
    )
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_templates_carry_no_inline_script_or_style(app):
    from pathlib import Path

    for template in Path(app.root_path, "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text and " style=" not in text and " on" + "click=" not in text, (
            template
        )
