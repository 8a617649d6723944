"""Lesson files: loading, the in-memory catalogue, and Markdown rendering.

Nothing in this package knows about HTTP requests. What the parts share is at the top, with
render.py, which builds on them; reading/, markup/, pictures/, checks/, publishing/ and
editor/ hold the rest.
"""
