"""Logging, set up in this one place: `coursesite.*` loggers, to stderr, with the time.

Modules log through `logging.getLogger(__name__)` (never Flask's own logger), so one handler on
the `coursesite` logger shows them all. No line may carry personal data: accounts are named
by id, and the database library's query log (which shows values) stays off.
"""

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str | int = "INFO") -> logging.Logger:
    """Send coursesite's messages of `level` and above to stderr, with a timestamp."""
    logger = logging.getLogger("coursesite")
    logger.setLevel(level.upper() if isinstance(level, str) else level)
    if not any(getattr(h, "coursesite", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.coursesite = True  # ours: configure() may run again without doubling lines
        logger.addHandler(handler)
    # peewee logs every query with its values (names, notes, messages) at DEBUG: turning on
    # debug logging must never write personal data (Law 25), so its logger stops at INFO.
    logging.getLogger("peewee").setLevel(logging.INFO)
    return logger
