"""Display preferences: the person's text size, contrast and motion (`preferences.py`, from
the account or a cookie) and the page that sets them at /<lang>/display, applied by the
server so no JavaScript is needed (`display.py`).
"""
