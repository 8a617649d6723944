"""What every template may use: language links, fingerprinted static URLs."""

import hashlib
import time
from functools import cache, lru_cache
from pathlib import Path

from flask import current_app, g, has_request_context, request, url_for
from flask_babel import get_locale, get_translations

from coursesite.web.i18n import LANGUAGE_NAMES


@cache
def file_fingerprint(path: str, mtime_ns: int) -> str:
    """Return a short content hash of a static file (recomputed when it changes)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """Return the URL of a static file with its content hash, so it can be cached for a year."""
    # Every page links four static files: look at each file at most once a second.
    return fingerprinted_url(
        current_app.static_folder,
        request.script_root if request else "",
        filename,
        int(time.monotonic()),
    )


@lru_cache(maxsize=256)
def fingerprinted_url(folder: str, script_root: str, filename: str, second: int) -> str:
    path = Path(folder) / filename
    version = file_fingerprint(str(path), path.stat().st_mtime_ns)
    return url_for("static", filename=filename, v=version)


def switch_language_links() -> list[dict]:
    """Return, for each other language, the link to this same page in that language."""
    links = []
    current = str(get_locale())
    for lang in current_app.config["LANGUAGES"]:
        if lang == current:
            continue
        alternates = getattr(g, "alternate_urls", None)
        if alternates is not None:
            url = alternates.get(lang)
        elif request.endpoint and "lang" in (request.view_args or {}):
            url = url_for(request.endpoint, **{**request.view_args, "lang": lang})
        elif request.endpoint:
            url = url_for(request.endpoint, **(request.view_args or {}), lang=lang)
        else:
            url = url_for("learn.catalogue", lang=lang)
        links.append({"lang": lang, "name": LANGUAGE_NAMES.get(lang, lang), "url": url})
    return links


def page_translations():
    """Return this request's translations, looked up once per locale (a page has dozens)."""
    # Flask-Babel keeps the page's Locale in g._flask_babel; force_locale (a learner's card
    # printed in their own language) swaps it for another object: the cache follows it.
    cached = g.get("page_translations")
    if cached is None or cached[0] is not babel_locale():
        translations = get_translations()
        cached = g.page_translations = (babel_locale(), translations)
    return cached[1]


def babel_locale():
    return getattr(g.get("_flask_babel"), "babel_locale", None)


def template_gettext(string: str) -> str:
    return page_translations().ugettext(string)


def template_ngettext(singular: str, plural: str, num: int) -> str:
    return page_translations().ungettext(singular, plural, num)


def remembered_url_for(app, size: int = 4096):
    """Return a `url_for` for templates that builds each URL once.

    Building a URL walks Werkzeug's rules in Python: a page's dozen links cost more than its
    text. A URL depends only on the endpoint, its values and the request's script root, host
    and scheme (the app adds no URL defaults), so the same ones give the same URL.
    """

    @lru_cache(maxsize=size)
    def build(script_root, host, scheme, blueprint, endpoint, values):
        return app.url_for(endpoint, **dict(values))

    def url_for_in_template(endpoint: str, **values) -> str:
        if not has_request_context():
            return app.url_for(endpoint, **values)
        here = request._get_current_object()
        relative = here.blueprint if endpoint.startswith(".") else None
        try:
            return build(
                here.script_root,
                here.host,
                here.scheme,
                relative,
                endpoint,
                tuple(sorted(values.items())),
            )
        except TypeError:  # a value that cannot be a key (a list): built each time
            return app.url_for(endpoint, **values)

    return url_for_in_template


def kept_url_for(endpoint: str, **values) -> str:
    """Return `url_for(endpoint, **values)`, built once as the templates' links are: for a
    link a view makes on every request (a question's form on a step page)."""
    return current_app.jinja_env.globals["url_for"](endpoint, **values)


def init_app(app):
    """Give templates the helpers they need."""
    app.jinja_env.globals["url_for"] = remembered_url_for(app)
    # Same as Flask-Babel's template functions (Jinja fills in and escapes the variables),
    # without looking the translations up again for every string of the page.
    app.jinja_env.install_gettext_callables(template_gettext, template_ngettext, newstyle=True)

    app.add_template_global(static_url)
    app.add_template_global(switch_language_links)
    # Helpers are globals, made once; only what depends on the request is given to each page.
    app.context_processor(lambda: {"page_lang": str(get_locale())})

    @app.after_request
    def cache_static_files(response):
        # Static URLs carry their content hash, so a year-long cache is safe.
        if request.endpoint == "static" and request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = 365 * 24 * 3600
            response.cache_control.immutable = True
        return response
