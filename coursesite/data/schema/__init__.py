"""The database made, upgraded and opened: every table, the schema versions, one database per app.

`tables.py` lists every table in the order they are made, `migrations.py` brings an existing
database to the latest schema version (kept in the `setting` table), and `setup.py` opens the
app's database, runs the upgrades and manages connections per request.
"""
