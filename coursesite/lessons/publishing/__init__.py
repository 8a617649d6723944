"""Every lesson in memory, and the publishing rule: which version of each learners get.

`catalogue.py` keeps the lessons in step with their files, `catalogue_entry.py` is what it
remembers of one file, `file_events.py` tells it whether the system reported a change since,
`publishing.py` applies the rule (a version is published only when `lessons check` finds no
error in it), `published_store.py` and `stored_versions.py` keep the last good versions on
disk and take them back at a restart, `outline.py` is what a restart reads back, and
`check_process.py` and `bulk.py` check a first start's many lessons in another process.
`render.py` shows the published lessons: their parts as HTML, made once per version.
"""
