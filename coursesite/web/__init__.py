"""Web plumbing every page shares: URL rules, security headers, compression, error pages,
languages, template helpers and pages kept whole for everyone, role checks, network
addresses.

Imports nothing of the other packages but `data.models` (for roles and preferences).
"""


def init_app(app):
    """Wrap every request and response of the app."""
    from coursesite.web import (
        compression,
        errors,
        i18n,
        page_skeleton,
        roles,
        security,
        session_cookie,
        templating,
        urls,
    )

    for module in (
        urls,
        i18n,
        security,
        session_cookie,
        compression,
        roles,
        templating,
        page_skeleton,
        errors,
    ):
        module.init_app(app)
