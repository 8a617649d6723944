"""coursesite: self-paced, bilingual digital-literacy lessons for a community tech lab."""

from pathlib import Path

from flask import Flask

from coursesite.config import PROJECT_ROOT, instance_path, load_config


def create_app(test_config=None):
    """Create and wire the Flask application."""
    test_config = dict(test_config or {})
    app = Flask(
        __name__,
        instance_path=str(test_config.pop("INSTANCE_PATH", None) or instance_path()),
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)

    from coursesite import (
        auth,
        cards,
        cli,
        compression,
        db,
        display,
        errors,
        help_requests,
        helper,
        i18n,
        learn,
        media,
        phone_codes,
        privacy,
        progress,
        roles,
        search,
        security,
        site,
        staff,
        staff_import,
        staff_learners,
        staff_reports,
        templating,
        urls,
    )

    urls.init_app(app)  # first: it changes how routes read ids
    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    compression.init_app(app)
    auth.init_app(app)
    roles.init_app(app)
    media.init_app(app)
    learn.init_app(app)
    phone_codes.init_app(app)
    display.init_app(app)
    staff.init_app(app)
    helper.init_app(app)
    search.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    app.register_blueprint(site.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(progress.bp)
    app.register_blueprint(cards.bp)
    app.register_blueprint(staff_import.bp)
    app.register_blueprint(help_requests.bp)
    app.register_blueprint(staff_reports.bp)
    app.register_blueprint(staff_learners.bp)
    return app
