"""Learner pages: catalogue, lessons and steps, progress, display choices, search, pictures.

At the top, what most of it reads (`progress.py` and `progress_stores.py`, `visitor.py`,
`links.py`) and the small site-wide pages (`site.py`, `privacy.py`, `media.py`,
`progress_pages.py`); then `display/`, `questions/`, `certificates/` and `lesson_pages/`,
each importing only the top and the sub-packages before it.

May import `services`, `data`, `web`, `lessons`, and the desk's services (`desk.paths`,
`desk.help_requests`) for the learner's own path and help requests.
"""


def init_app(app):
    """Serve the learner pages."""
    # Imported here, not at the top: another package importing one service of this one
    # (`learn.progress`) must not pull in every page with it.
    from coursesite import services
    from coursesite.learn import media, privacy, progress, progress_pages, site, visitor
    from coursesite.learn.certificates import certificate_pages
    from coursesite.learn.display import display
    from coursesite.learn.lesson_pages import pages
    from coursesite.learn.questions import answer_pages, answers

    for module in (site, pages, privacy, progress_pages, answer_pages, certificate_pages, media):
        app.register_blueprint(module.bp)
    display.init_app(app)
    # After signing in, every page asks whether the visitor's steps join the account.
    visitor.register(app, progress.VISITOR_STEPS)
    visitor.register(app, answers.VISITOR_ANSWERS)
    app.add_template_global(visitor.pending, "visitor_pending")
    site.init_app(app)
    # A first start on many lessons has them checked by another process: index them as soon
    # as they are in, not at the first search (which would wait for it).
    index = services.search_index(app)
    services.catalogue(app).after_check.append(index.sync_in_background)


def start_background_work(app):
    """For a server about to answer: read the lessons and index them for search in a thread.

    Thousands of lessons take seconds: the first learner should not wait for them. Only
    servers call this (`coursesite serve`, wsgi.py), not every command or test that makes
    an app: a search indexes what it needs itself.
    """
    import threading

    from coursesite import services

    index = services.search_index(app)
    threading.Thread(target=index.sync_in_background, name="search-index", daemon=True).start()
