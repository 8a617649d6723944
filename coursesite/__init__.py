"""coursesite: self-paced, bilingual digital-literacy lessons for a community tech lab."""

from pathlib import Path

from flask import Flask

from coursesite import accounts, data, desk, learn, services, staff, web
from coursesite.config import STATIC_FOLDER, instance_path, load_config
from coursesite.data.safekeeping.private_files import restrict_new_files
from coursesite.web import logs
from coursesite.web.urls import SiteMap


class CourseSite(Flask):
    # Set on the class, so every route gets the site's converters whichever package adds it.
    url_map_class = SiteMap

    def ensure_sync(self, func):
        """Call views and hooks as they are: the site has none that is async (a test checks).

        Flask asks of each one, on every call, whether it is a coroutine: some twenty
        times for each page, a tenth of what a bare Flask page costs in all.
        """
        return func


def create_app(test_config=None):
    """Create and wire the Flask application."""
    test_config = dict(test_config or {})
    restrict_new_files()  # before the first file: the database and its copies hold personal data
    app = CourseSite(
        __name__,
        instance_path=str(test_config.pop("INSTANCE_PATH", None) or instance_path()),
        instance_relative_config=True,
        static_folder=str(STATIC_FOLDER),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)
    logs.configure(app.config["LOG_LEVEL"])
    services.init_app(app)  # the shared objects first: the packages below only use them
    for package in (web, data, accounts, learn, desk, staff):
        package.init_app(app)
    return app
