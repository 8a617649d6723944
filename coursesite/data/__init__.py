"""Data: the database and its tables, schema upgrades, backups, a learner's data exported or erased.

`database.py` is the leaf every other module builds on. Imports nothing of the site but
`services` (to hand the open database to the rest of the app).
"""


def init_app(app):
    """Open the database and bring it up to date."""
    from coursesite.data import setup

    setup.init_app(app)
