"""WSGI entry point for any server: `waitress-serve wsgi:app`."""

from coursesite import create_app

app = create_app()
