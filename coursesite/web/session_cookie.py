"""The session cookie, signed exactly as Flask signs it, with less work on every request.

Flask makes a new signing serializer for each request, and itsdangerous derives the
signing key from the secret again for each cookie it signs or checks. Both depend only on
the secret keys (the current one and the fallbacks): they are made once per set of keys.
Signing itself takes itsdangerous some sixty Python calls (a new signer, the key again,
five base64 steps); `KeptKeySerializer.dumps` makes the same bytes in a handful. Checking
a cookie stays itsdangerous's own, but for how the HMAC is computed: in one call to
OpenSSL (`hmac.digest`), where Python's `hmac.new`, given Flask's digest as a function
rather than a name, builds the HMAC in Python. The cookie's bytes, and what it accepts,
are the same.
"""

import base64
import hmac
import struct
import zlib
from functools import lru_cache

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes
from itsdangerous.signer import HMACAlgorithm


class KeptKeySigner(TimestampSigner):
    """A timestamp signer that derives each secret's signing key once."""

    def derive_key(self, secret_key=None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        return _derived_key(secret, self.salt, self.key_derivation, self.digest_method)


@lru_cache(maxsize=16)
def _derived_key(secret: bytes, salt: bytes, derivation: str, digest_method) -> bytes:
    signer = TimestampSigner(
        secret, salt=salt, key_derivation=derivation, digest_method=digest_method
    )
    return signer.derive_key()


class OneCallHMAC(HMACAlgorithm):
    """itsdangerous's HMAC signatures, each computed in one call to OpenSSL."""

    def __init__(self, digest_method):
        super().__init__(digest_method)
        self.digest_name = digest_method().name  # "sha1" for Flask's sessions

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, self.digest_name)


class KeptKeySerializer(URLSafeTimedSerializer):
    """itsdangerous's URL-safe timed serializer, signing with the kept key in a few calls.

    `dumps` writes what itsdangerous's would, step for step: the payload, zlib-compressed
    when that makes it at least two bytes shorter (then marked by a leading "."), the time,
    then the HMAC of both, each part in unpadded URL-safe base64, joined by ".".
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._signer = self.make_signer()  # kept for its time, key and digest
        self._key = self._signer.derive_key()
        # By name ("sha1"), for OpenSSL's one-call HMAC: Flask's digest is a Python function.
        self._digest = self._signer.digest_method().name
        if want_bytes(self._signer.sep) != b"." or not isinstance(self._signer, TimestampSigner):
            raise ValueError("KeptKeySerializer signs like TimestampSigner with '.'")

    def dumps(self, obj, salt=None) -> str:
        if salt is not None and want_bytes(salt) != want_bytes(self.salt):
            return super().dumps(obj, salt)  # another salt: another key, itsdangerous's way
        payload = want_bytes(self.serializer.dumps(obj, **self.serializer_kwargs))
        compressed = zlib.compress(payload)
        if len(compressed) < len(payload) - 1:
            payload = b"." + _base64(compressed)
        else:
            payload = _base64(payload)
        timestamp = struct.pack(">Q", self._signer.get_timestamp()).lstrip(b"\x00")
        value = payload + b"." + _base64(timestamp)
        signature = hmac.digest(self._key, value, self._digest)
        return (value + b"." + _base64(signature)).decode("ascii")


def _base64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


class KeptKeySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, the serializer made once per set of secret keys."""

    def get_signing_serializer(self, app) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        fallbacks = tuple(app.config["SECRET_KEY_FALLBACKS"] or ())
        return self._serializer((*fallbacks, app.secret_key))  # the current key last

    @lru_cache(maxsize=8)  # noqa: B019 — one interface per app, kept as long as the app
    def _serializer(self, keys: tuple) -> URLSafeTimedSerializer:
        return KeptKeySerializer(
            list(keys),
            salt=self.salt,
            serializer=self.serializer,
            signer=KeptKeySigner,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
                "algorithm": OneCallHMAC(self.digest_method),
            },
        )


def init_app(app):
    """Sign the session cookie with the kept serializer."""
    app.session_interface = KeptKeySessionInterface()
