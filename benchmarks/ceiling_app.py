"""The ceiling: a bare Flask page served by waitress, measured in the same run as coursesite.

Usage: python benchmarks/ceiling_app.py PORT [--site-threads]

With --site-threads the same page is served on coursesite's worker threads
(coursesite/web/worker_threads.py) instead of waitress's own: what serving alone changes.
"""

import logging
import sys

from flask import Flask
from waitress import serve

app = Flask(__name__)


@app.route("/")
def hello():
    return "<!doctype html><title>ceiling</title><p>Hello</p>"


if __name__ == "__main__":
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # same as coursesite serve
    # The same number of threads as coursesite serve's default (at most, with --site-threads).
    if "--site-threads" in sys.argv:
        from coursesite.web.worker_threads import make_server

        make_server(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4).run()
    else:
        serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4, _quiet=True)
