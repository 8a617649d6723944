"""Lesson files written from the browser: saved safely, versioned, started, given pictures.

`editing.py` writes a lesson's files atomically, `history.py` keeps every saved version,
`new.py` starts a lesson folder from a template or from another language, `uploads.py`
re-encodes screenshots sent from a browser, and `candidate.py` checks and parses a text not
saved yet as if it were the lesson's file. Knows paths and text, nothing of requests.
"""
