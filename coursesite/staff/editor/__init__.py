"""The lesson editor, under /staff/lessons/: a lesson's text, preview and check, its pictures
and highlight boxes, its history, and new lessons and translations; every save goes through
`editing.py`, the one way the browser writes a lesson file.
"""
