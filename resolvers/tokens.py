"""Random secrets, their keyed hashes, and encryption of message bodies at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

CODE_LENGTH = 6  # digits of a one-time code


class Keyring:
    """Everything derived from SECRET_KEY, so that one key signs and seals what the server keeps.

    After a key change the old keys stay in SECRET_KEY_PREVIOUS: what was hashed or sealed
    under them is still recognised, and everything new uses the current key.
    """

    def __init__(self, secret_key: str, previous: Sequence[str] = ()) -> None:
        roots = [key.encode() for key in (secret_key, *previous)]
        self._hash_keys = [hmac.new(root, b"token-hash", hashlib.sha256).digest() for root in roots]
        self._fernet = MultiFernet([
            Fernet(base64.urlsafe_b64encode(hmac.new(root, b"outbox-encryption", hashlib.sha256).digest()))
            for root in roots
        ])

    def digest(self, value: str) -> str:
        """Keyed hash of a token or code under the current key: a leaked table reveals nothing
        without the key."""
        return _digest(self._hash_keys[0], value)

    def digests(self, value: str) -> list[str]:
        """The hash under every key, current first: to look up what an older key stored."""
        return [_digest(key, value) for key in self._hash_keys]

    def matches(self, value: str, expected_digest: str) -> bool:
        # Every key is tried, so the time taken does not tell which one matched.
        found = False
        for candidate in self.digests(value):
            found |= hmac.compare_digest(candidate, expected_digest)
        return found

    def sign(self, value: str) -> str:
        """`value` with a keyed signature, for links and values handed out and taken back."""
        return f"{value}.{_digest(self._hash_keys[0], 'signed:' + value)}"

    def unsign(self, signed: str) -> str | None:
        """The value if its signature is good under any key; None otherwise."""
        value, _, signature = signed.rpartition(".")
        return value if value and self.matches("signed:" + value, signature) else None

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str | None:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None


def _digest(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
