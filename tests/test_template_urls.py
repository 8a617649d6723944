"""Links in pages are built once and remembered (web/templating.py): the remembered link
must be the one Flask would build for that very request."""

import re

from flask import render_template_string

HREF = re.compile(r'href="([^"]+)"')


def links(client, path, **environ) -> list[str]:
    response = client.get(path, environ_overrides=environ)
    assert response.status_code == 200
    return HREF.findall(response.get_data(as_text=True))


def test_a_site_under_a_path_prefix_links_under_it_and_one_without_does_not(app, client):
    for _ in range(2):  # built, then remembered
        plain = links(client, "/fr/lessons/bonjour/1")
        prefixed = links(client, "/fr/lessons/bonjour/1", SCRIPT_NAME="/labo")
        assert "/fr/lessons/bonjour/2" in plain and "/labo/fr/lessons/bonjour/2" in prefixed
        assert not any(link.startswith("/labo") for link in plain)
        site_links = [link for link in prefixed if link.startswith("/")]
        assert site_links and all(link.startswith("/labo/") for link in site_links)


def test_remembered_links_are_the_ones_flask_builds(app):
    template = (
        "{{ url_for('learn.step', lang='fr', lesson_id='bonjour', number=2) }} "
        "{{ url_for('learn.catalogue', lang='en', missing='x y') }} "
        "{{ url_for('learn.catalogue', lang='fr', _external=True) }} "
        "{{ url_for('helper.dashboard', _anchor='help-requests') }}"
    )
    for host in ("labo.local", "192.168.1.20:8000", "labo.local"):
        with app.test_request_context("/fr/", base_url=f"https://{host}"):
            expected = " ".join(
                [
                    app.url_for("learn.step", lang="fr", lesson_id="bonjour", number=2),
                    app.url_for("learn.catalogue", lang="en", missing="x y"),
                    app.url_for("learn.catalogue", lang="fr", _external=True),
                    app.url_for("helper.dashboard", _anchor="help-requests"),
                ]
            )
            assert render_template_string(template) == expected
            assert f"https://{host}/fr/" in expected


def test_the_app_adds_no_url_defaults(app):
    # A remembered link is right only while nothing fills in URL values from the request
    # (app.url_defaults): then the endpoint and its values alone make the URL.
    assert not any(app.url_default_functions.values())
