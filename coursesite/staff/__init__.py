"""Staff pages, every page under /staff/: lesson health and preview, the lesson editor (text,
pictures, highlight boxes, history, new lessons), importing a group of learners, finding a
learner for a privacy request, reports.

At the top, the staff's own pages (`lessons.py`: home, lesson health, drafts, preview;
`certificates.py`; `settings.py`); then `editor/` (the lesson editor and the one way it saves),
`reports/` and `people/`, each importing nothing of the sub-packages after it.

May import `services`, `data`, `web`, `lessons`, `accounts`, `desk` and `learn.progress`.
"""


def init_app(app):
    """Serve the staff pages."""
    from coursesite.staff import certificates, lessons, settings
    from coursesite.staff.editor import editor, highlight_pages, history_pages, new_lessons
    from coursesite.staff.people import accounts, imports, learners
    from coursesite.staff.reports import report_pages

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
