"""The ceiling: a bare Flask page served by waitress, measured in the same run as coursesite."""

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
    # The same number of threads as coursesite serve's default: the two are served alike.
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4, _quiet=True)
