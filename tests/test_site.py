"""Site-wide pages: language choice, health check, poster, security headers."""

import json

import pytest
from flask import url_for

from tests.conftest import PASSWORDS, AuthActions, csrf_token_from
from tests.test_roles import FORM, ROLES, VALUES, routes


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


def assert_secure_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (d.strip() for d in csp.split(";")) if part
    )
    assert directives.get("default-src") == "'self'", (where, csp)
    assert directives.get("script-src") == "'self'", (where, csp)
    assert directives.get("style-src") == "'self'", (where, csp)
    assert directives.get("object-src") == "'none'", (where, csp)
    assert directives.get("frame-ancestors") == "'none'", (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "*" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where


@pytest.mark.parametrize("role", ROLES)
def test_every_page_sends_the_security_headers_to_every_role(
    app, role, make_learner, make_helper, make_staff
):
    """Every route (pages, files, redirects, refusals, form answers) and the error pages."""
    learner = make_learner("carole")
    client = app.test_client()
    if role != "visitor":
        username = {"learner": "carole", "helper": "richard", "staff": "sophie"}[role]
        {"helper": make_helper, "staff": make_staff}.get(role, lambda: None)()
        response = AuthActions(client).login(username, PASSWORDS[role])
        assert response.status_code == 303
        assert_secure_headers(response, "POST /login")
    statuses = set()
    for rule, method in routes(app):
        if rule.endpoint in ("auth.logout", "auth.sign_out_everywhere"):
            continue  # stay signed in for the rest of the walk
        values = {**VALUES, "user_id": learner.id}
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})
        if method == "POST":
            token = csrf_token_from(client.get("/fr/lessons/bonjour/1").get_data(as_text=True))
            response = client.post(url, data={**FORM, "csrf_token": token})
        else:
            response = client.get(url)
        response.close()
        assert_secure_headers(response, f"{role} {method} {url} ({response.status_code})")
        statuses.add(response.status_code)
    for method, url in [
        ("GET", "/fr/lessons/nope/"),  # not found
        ("GET", "/fr/nothing/here"),
        ("POST", "/login"),  # no CSRF token: refused
        ("GET", "/static/css/nope.css"),
    ]:
        response = client.open(url, method=method)
        assert response.status_code in (400, 404), (url, response.status_code)
        assert_secure_headers(response, f"{role} {method} {url} ({response.status_code})")
        statuses.add(response.status_code)
    # The walk met pages, redirects and refusals, not only one kind of answer.
    assert {200, 400, 404} <= statuses and statuses & {302, 303}
    if role in ("learner", "helper"):
        assert 403 in statuses


def test_templates_carry_no_inline_script_or_style(app):
    from pathlib import Path

    for template in Path(app.root_path, "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text and " style=" not in text and " on" + "click=" not in text, (
            template
        )


def test_a_security_header_a_page_sets_itself_is_kept_and_not_doubled(app):
    def framed():
        return "ok", 200, {"X-Frame-Options": "SAMEORIGIN"}

    app.add_url_rule("/framed-for-test", "framed_for_test", framed)
    response = app.test_client().get("/framed-for-test")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Referrer-Policy") == ["same-origin"]  # the others added
    assert_secure_headers(app.test_client().get("/fr/"), "/fr/")
