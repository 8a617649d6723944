"""Check many lesson files in a separate process: `python -m coursesite.lessons.publishing.bulk`.

When a server starts on lessons it has never checked (a first start, a whole folder of new
lessons), checking them all takes seconds (a few milliseconds each, pictures opened). The
catalogue then runs this process, which checks them with the very same code and keeps each
published version in the store, and serves meanwhile what the store already holds; once it
has finished, the catalogue reads the published versions from the store. The checking's
passing memory is the other process's, given back to the system when it ends.

The arguments (lessons folder, languages, settings, store) come pickled on standard input
(check_process.py starts it and waits for it).
"""

import os
import pickle
import sys
import threading
import time


def end_with(parent: int) -> None:
    """Stop soon after the server that started this process stops (nobody needs the check)."""

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main() -> int:
    from coursesite.lessons.publishing.catalogue import Catalogue

    parent, root, languages, settings, store = pickle.load(sys.stdin.buffer)  # noqa: S301 — from our parent
    end_with(parent)
    Catalogue(root, languages, float("inf"), settings=settings, store=store, bulk=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
