"""The helper desk, every page under /helper/: help sessions and the paths they give, slips,
sign-in cards, help requests, following learners up, phone codes.

May import `services`, `data`, `web`, `lessons`, `accounts` and `learn.progress`.
"""


def init_app(app):
    """Serve the helper desk."""
    from coursesite.desk import cards, group_pages, help_request_pages, learner_account, views

    views.init_app(app)
    app.register_blueprint(cards.bp)
    help_request_pages.init_app(app)
    app.register_blueprint(group_pages.bp)
    app.register_blueprint(learner_account.bp)
