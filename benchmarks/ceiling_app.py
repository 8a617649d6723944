"""The ceiling: a bare Flask page served by waitress, measured in the same run as coursesite.

Usage: python benchmarks/ceiling_app.py PORT [--site-threads]

With --site-threads the same page is served as coursesite serves its pages
(coursesite/web/serving.py: a quick page answered by waitress's event loop itself) instead
of on waitress's own threads: what serving alone changes.
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
        from coursesite.web.quick_pages import quick_page
        from coursesite.web.serving import make_server

        quick_page(hello)  # as the site's step page is

        make_server(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4).run()
    else:
        serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4, _quiet=True)
