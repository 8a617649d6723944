"""The session cookie signed with a kept serializer (web/session_cookie.py): the same
cookie Flask's own would set, accepted and refused exactly as Flask's own would."""

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from coursesite.web.session_cookie import KeptKeySessionInterface

SESSION = {"csrf_token": "a" * 40, "_user_id": "12:secret", "lang": "fr"}


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_790_000_000)


def test_the_cookie_is_the_one_flask_would_set(app, frozen_clock):
    assert isinstance(app.session_interface, KeptKeySessionInterface)
    ours = app.session_interface.get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    for _ in range(2):  # made once, then kept
        assert ours.dumps(SESSION) == flasks.dumps(SESSION)
    assert ours.loads(flasks.dumps(SESSION)) == SESSION
    assert app.session_interface.get_signing_serializer(app) is ours


def test_a_cookie_signed_with_another_key_is_refused(app):
    ours = app.session_interface.get_signing_serializer(app)
    forged = TimestampSigner(b"not the lab's key", salt="cookie-session")
    other = SecureCookieSessionInterface().get_signing_serializer(app)
    good = other.dumps(SESSION)
    payload, _, _ = good.rpartition(".")
    with pytest.raises(BadSignature):
        ours.loads(forged.sign(payload.rsplit(".", 1)[0]).decode())
    with pytest.raises(BadSignature):
        ours.loads(good[:-2] + ("AA" if not good.endswith("AA") else "BB"))


def test_an_old_or_future_dated_cookie_is_refused_as_flask_refuses_it(app, monkeypatch):
    ours = app.session_interface.get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_790_000_000)
    cookie = ours.dumps(SESSION)
    for now in (1_790_000_000 + 3601, 1_790_000_000 - 5):  # an hour and a second; 5 s ahead
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self, now=now: now)
        for serializer in (ours, flasks):
            with pytest.raises(SignatureExpired):
                serializer.loads(cookie, max_age=3600)
        assert ours.loads(cookie) == SESSION  # without an age limit, as Flask's
    for broken in ("", ".", "abc", cookie.replace(".", "", 1), cookie[:-1]):
        with pytest.raises(BadSignature):
            ours.loads(broken, max_age=3600)


def test_a_new_secret_key_is_used_at_once_and_the_old_one_kept_as_a_fallback(app, client):
    client.get("/fr/")
    old = app.session_interface.get_signing_serializer(app).dumps(SESSION)
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = app.config["SECRET_KEY"] = "a brand new key for the lab, long enough" * 2
    new = app.session_interface.get_signing_serializer(app)
    assert new.loads(old) == SESSION  # a cookie from before the change still opens
    assert new.dumps(SESSION) != old
    app.config["SECRET_KEY_FALLBACKS"] = []
    with pytest.raises(BadSignature):
        app.session_interface.get_signing_serializer(app).loads(old)


@pytest.mark.parametrize(
    "session",
    [
        SESSION,
        {"notes": "étape " * 200, "lang": "fr"},  # long enough for zlib: the "." form
        {},
        {"_user_id": "7:x", "when": 1.5, "flags": [True, None]},
    ],
    ids=["short", "compressed", "empty", "other-types"],
)
def test_each_kind_of_session_is_signed_byte_for_byte_as_itsdangerous_signs_it(
    app, frozen_clock, session
):
    ours = app.session_interface.get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    with app.app_context():
        cookie = ours.dumps(session)
        assert cookie == flasks.dumps(session)
        assert flasks.loads(cookie) == session
        assert ours.loads(cookie, max_age=60) == session  # read back as Flask reads it
    if "notes" in session:
        assert cookie.startswith(".")  # the compressed form was taken


def test_a_csrf_token_is_the_one_flask_wtf_makes_and_flask_wtf_accepts_it(app, frozen_clock):
    from flask import g, session
    from flask_wtf.csrf import generate_csrf, validate_csrf

    from coursesite.web.security import csrf_token

    with app.test_request_context("/fr/"):
        ours = csrf_token()
        assert csrf_token() is ours  # one token a request
        g.pop(app.config["WTF_CSRF_FIELD_NAME"])
        assert generate_csrf() == ours  # the same raw token in the session, the same signing
        validate_csrf(ours)
        raw = session["csrf_token"]
    with app.test_request_context("/fr/"):
        session["csrf_token"] = raw
        assert csrf_token() == ours  # a later page of the same person: the same raw token
    with app.test_request_context("/fr/"):
        assert csrf_token() != ours  # another person: another token
