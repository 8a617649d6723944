"""Lesson files: loading, the in-memory catalogue, and Markdown rendering.

Nothing in this package knows about HTTP requests. What the parts share is at the top; the
sub-packages are layers, each importing only the top and the layers before it, in this
order: pictures/, markup/, reading/, checks/, publishing/, editor/ (tests/test_layout.py).
"""
