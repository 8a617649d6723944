"""Staff pages, every page under /staff/: lesson health and preview, the lesson editor (text,
pictures, highlight boxes, history, new lessons), importing a group of learners, finding a
learner for a privacy request, reports.

May import `services`, `data`, `web`, `lessons`, `accounts`, `desk` and `learn.progress`.
"""


def init_app(app):
    """Serve the staff pages."""
    from coursesite.staff import (
        accounts,
        certificates,
        editor,
        highlight_pages,
        history_pages,
        imports,
        learners,
        lessons,
        new_lessons,
        report_pages,
        settings,
    )

    for module in (
        lessons,
        editor,
        highlight_pages,
        history_pages,
        new_lessons,
        imports,
        learners,
        report_pages,
        certificates,
        settings,
        accounts,
    ):
        app.register_blueprint(module.bp)
