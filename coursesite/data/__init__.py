"""Data: the database and its tables, schema upgrades, backups, a learner's data exported or erased.

At the top, what every page needs: `database.py` (the leaf every other module builds on),
`models.py` (the tables), `prepared.py` (the queries of every page) and `lab.py` (the lab's
details). Then `schema/` (tables made, upgraded, opened), `safekeeping/` (private files,
health, backups) and `privacy/` (a learner's data exported or erased). Imports nothing of
the site but `services` (to hand the open database to the rest of the app).
"""


def init_app(app):
    """Open the database and bring it up to date."""
    from coursesite.data.schema import setup

    setup.init_app(app)
