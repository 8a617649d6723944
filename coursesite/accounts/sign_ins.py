"""Sign-ins recorded on the server, so that signing out ends them wherever their cookies went.

Each sign-in is a SignIn row. The session cookie (and, with "Stay signed in" or a
card, the remember cookie) carries "<row id>:<secret>": 32 random bytes made for this
sign-in only, of which the database keeps the SHA-256. Every request checks the row: signing
out, "Sign out of every device", a new password, a revoked card or a closed account ends it,
and a copy of the cookies taken before stops working at that moment.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from peewee import Field

from coursesite.data.models import SignIn, SignInCard, User, utcnow
from coursesite.data.prepared import PreparedQuery, slot

# A sign-in without "Stay signed in" lives in a cookie the browser forgets when it closes;
# a copy of it stops working at the end of a lab day even if nobody signed out.
UNREMEMBERED_LIFETIME = dt.timedelta(hours=16)
REMEMBER_LIFETIME = dt.timedelta(days=365)  # as long as the remember cookie itself
# Ended sign-ins are kept a while for a person's right of access, then deleted.
KEEP_ENDED = dt.timedelta(days=30)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def start(user: User, *, remember: bool, card: SignInCard | None = None) -> str:
    """Record a new sign-in of `user` and return its key (also set on user.session_key)."""
    now = utcnow()
    SignIn.delete().where(
        (SignIn.ended < now - KEEP_ENDED) | (SignIn.created < now - REMEMBER_LIFETIME)
    ).execute()
    secret = secrets.token_urlsafe(32)
    row = SignIn.create(
        user=user,
        secret_hash=_hash(secret),
        card=card,
        auth_version=user.auth_version,
        remember=remember or card is not None,
    )
    user.session_key = f"{row.id}:{secret}"
    user.card_id = card.id if card else None
    return user.session_key


# Read on every page of a signed-in person: its SQL is built once (data/prepared.py).
OPEN_SIGN_IN = PreparedQuery(
    lambda: (
        SignIn.select(SignIn, User)
        .join(User)
        .where((SignIn.id == slot("id", SignIn.id)) & SignIn.ended.is_null())
        .limit(1)
    )
)


def _row(key: str) -> SignIn | None:
    """Return the open row for a key, or None; the secret is compared in constant time."""
    row_id, _, secret = (key or "").partition(":")
    if not row_id.isascii() or not row_id.isdigit() or len(row_id) > 18 or not secret:
        return None
    row = OPEN_SIGN_IN.first(id=int(row_id))
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    return row


def resume(key: str) -> User | None:
    """Return the signed-in user for a key from the cookies, or None if it no longer opens."""
    row = _row(key)
    if row is None:
        return None
    user = row.user
    lifetime = REMEMBER_LIFETIME if row.remember else UNREMEMBERED_LIFETIME
    if not user.active or row.auth_version != user.auth_version:
        return None
    if row.created + lifetime < utcnow():
        return None
    if row.card_id:
        live = SignInCard.select().where(
            (SignInCard.id == row.card_id) & SignInCard.revoked.is_null()
        )
        # A card opens a learner's account only: not one that has since become a helper's.
        if user.role != "learner" or not live.exists():
            return None
    user.session_key = key
    user.card_id = row.card_id
    return user


def end(key: str | None) -> None:
    """End one sign-in: its cookies, wherever they are, no longer open the account."""
    row = _row(key) if key else None
    if row is not None:
        SignIn.update(ended=utcnow()).where(SignIn.id == row.id).execute()


def end_all(user: User) -> int:
    """End every sign-in of `user` on every device; return how many were open."""
    return stamp_still_open(SignIn.ended, SignIn.user, user)


def stamp_still_open(stamp: Field, owner: Field, user: User) -> int:
    """Set `stamp` (when it ended, when it was revoked…) to now on every row of `user` that
    has none yet; return how many rows that was."""
    model = stamp.model
    return model.update({stamp: utcnow()}).where((owner == user) & stamp.is_null()).execute()


def open_count(user: User) -> int:
    """Return on how many browsers `user` may still be signed in."""
    return SignIn.select().where((SignIn.user == user) & SignIn.ended.is_null()).count()
