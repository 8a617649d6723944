"""The database file kept safe: readable by the service alone, checked, copied.

`private_files.py` makes every file the service writes (the database, the search index,
backups, the secret key) readable by its own account only, `health.py` runs SQLite's
`quick_check` and says how to restore, and `backup.py` copies the database with SQLite's
online backup, safe while serving.
"""
