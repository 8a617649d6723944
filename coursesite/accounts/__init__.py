"""Accounts: signing in and out, users and passwords, sign-in cards, the sign-in throttle,
and creating a group of learners from a CSV file.

May import `services`, `data`, `web`, `lessons` and `desk.paths` (where a learner lands).
"""


def init_app(app):
    """Sign people in and out."""
    from coursesite.accounts import signin

    signin.init_app(app)
    app.register_blueprint(signin.bp)
