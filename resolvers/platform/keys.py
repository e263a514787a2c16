"""Every key the server uses, derived from SECRET_KEY in one place: keyed hashes of tokens and
codes, message bodies sealed at rest, download-link signatures, the wrapping of stored files."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class Keyring:
    """Everything derived from SECRET_KEY, so that one key signs and seals what the server keeps.

    After a key change the old keys stay in SECRET_KEY_PREVIOUS: what was hashed or sealed
    under them is still recognised, and everything new uses the current key.
    """

    def __init__(self, secret_key: str, previous: Sequence[str] = ()) -> None:
        self._roots = [key.encode() for key in (secret_key, *previous)]
        # One keyed HMAC state per key, copied for each digest: the key's setup is done once,
        # and nothing in the digest lets go of the GIL (OpenSSL's one-shot hmac.digest does,
        # and under load the event loop then waited for the database thread to hand it back).
        self._hashers = [hmac.new(key, digestmod=hashlib.sha256) for key in self._derive(b"token-hash")]
        self._fernet = MultiFernet([
            Fernet(base64.urlsafe_b64encode(key)) for key in self._derive(b"outbox-encryption")
        ])
        # Current key first; what an older key made is still recognised.
        self.link_keys = self._derive(b"download-links")
        self.file_wrapping_keys = self._derive(b"document-key-wrapping")

    def _derive(self, purpose: bytes) -> list[bytes]:
        """One key per root for `purpose`, current first: a purpose's keys never open another's."""
        return [hmac.new(root, purpose, hashlib.sha256).digest() for root in self._roots]

    def digest(self, value: str) -> str:
        """Keyed hash of a token or code under the current key: a leaked table reveals nothing
        without the key."""
        return _digest(self._hashers[0], value)

    def digests(self, value: str) -> list[str]:
        """The hash under every key, current first: to look up what an older key stored."""
        return [_digest(hasher, value) for hasher in self._hashers]

    def matches(self, value: str, expected_digest: str) -> bool:
        # Every key is tried, so the time taken does not tell which one matched.
        found = False
        for candidate in self.digests(value):
            found |= hmac.compare_digest(candidate, expected_digest)
        return found

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str | None:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None


def _digest(keyed: hmac.HMAC, value: str) -> str:
    hasher = keyed.copy()
    hasher.update(value.encode())
    return hasher.hexdigest()
