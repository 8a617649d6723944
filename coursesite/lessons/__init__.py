"""Lesson files: loading, the in-memory catalogue, and Markdown rendering.

Nothing in this package knows about HTTP requests.
"""
