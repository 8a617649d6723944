"""WSGI entry point for any server: `waitress-serve wsgi:app`."""

from coursesite import create_app
from coursesite.learn import start_background_work
from coursesite.web.collector import set_aside_start_up_objects

app = create_app()
set_aside_start_up_objects()  # the collector's long pauses: see coursesite/web/collector.py
start_background_work(app)  # the lessons read and indexed before the first learner asks
