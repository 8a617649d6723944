"""Security headers and CSRF protection for every response and form."""

from flask_wtf.csrf import CSRFProtect

# No inline script or style anywhere: a slip in the lesson sanitiser can never run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_security_headers(response):
    """Add the security headers that are not already set."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app):
    """Protect every POST with a CSRF token and send the security headers."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a form left open all afternoon still works
    CSRFProtect(app)
    app.after_request(add_security_headers)
