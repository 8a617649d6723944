"""Prepare the "mark a step done" load: a signed-in learner, a session cookie, a CSRF token."""

from pathlib import Path


def prepare_mark_done(base: str, env: dict, instance: Path) -> dict | None:
    """Return {"url", "script"} for wrk, or None while the site has no progress endpoint."""
    return None
