"""The helper desk, every page under /helper/: help sessions and the paths they give, slips,
sign-in cards, help requests, following learners up, phone codes.

At the top, the desk's own pages (`views.py`, `template_helpers.py`) and what most of it reads
(`paths.py`, `phone_codes.py`); then `help_sessions/`, `help_requests/`, `learners/` and
`groups/`, each importing only the top's services and the sub-packages before it.

May import `services`, `data`, `web`, `lessons`, `accounts` and `learn.progress`.
"""


def init_app(app):
    """Serve the helper desk."""
    from coursesite.desk import views
    from coursesite.desk.groups import group_pages
    from coursesite.desk.help_requests import help_request_pages
    from coursesite.desk.learners import cards, learner_account

    views.init_app(app)
    app.register_blueprint(cards.bp)
    help_request_pages.init_app(app)
    app.register_blueprint(group_pages.bp)
    app.register_blueprint(learner_account.bp)
