"""WSGI entry point for any server: `waitress-serve wsgi:app`."""

from coursesite import create_app
from coursesite.learn import start_background_work

app = create_app()
start_background_work(app)  # the lessons read and indexed before the first learner asks
