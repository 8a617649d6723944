"""What `lessons check` reports about lesson files, as Problems.

`check.py` checks one lesson, `folder_check.py` a whole folder (translations, links between
lessons, `paths.yml`), `content.py` holds what the checks share and the front matter and
picture checks, `link_check.py` checks links and raw HTML, and `health.py` keeps the report
of a folder, redone only when its files change. Pure: reads files, never writes.
"""
