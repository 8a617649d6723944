"""Python's cycle collector, told once what lives as long as the server.

A server starts by making what it keeps until it stops: the libraries' modules, the app, the
lessons in memory, the search index's snapshot. Python's cycle collector walks every object
that can hold a reference at each full collection, which the server's own traffic sets off
every few seconds under load; measured (benchmarks/RESULTS.md), a full collection walked some
75,000 objects in about 40 ms with the starter lessons and 110,000 in about 70 ms with
2 × 1,000 lessons, and no page moved meanwhile. `gc.freeze()` sets those objects aside: the
collector never walks them again, so its pauses are those of the objects made since.

What is set aside is still freed as usual when nothing refers to it any more (a lesson's
older version, when the file changes); only garbage made of reference cycles among those
objects would stay, measured at a few hundred objects after every lesson changed three times.
"""

import gc
import logging

log = logging.getLogger(__name__)


def set_aside_start_up_objects() -> int:
    """Collect what start-up left as garbage, then keep the rest out of every later
    collection; return how many objects were set aside."""
    gc.collect()
    gc.freeze()
    count = gc.get_freeze_count()
    log.debug("%d objects made at start-up set aside from the cycle collector", count)
    return count
