"""The helper desk, every page under /helper/: help sessions and the paths they give, slips,
sign-in cards, help requests, following learners up, phone codes.

May import `services`, `data`, `web`, `lessons`, `accounts` and `learn.progress`.
"""


def init_app(app):
    """Serve the helper desk."""
    from coursesite.desk import cards, help_request_pages, views

    views.init_app(app)
    app.register_blueprint(cards.bp)
    app.register_blueprint(help_request_pages.bp)
