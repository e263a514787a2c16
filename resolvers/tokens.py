"""Random secrets, their keyed hashes, and encryption of message bodies at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken


class Keyring:
    """Everything derived from SECRET_KEY, so that one key signs and seals what the server keeps."""

    def __init__(self, secret_key: str) -> None:
        root = secret_key.encode()
        self._hash_key = hmac.new(root, b"token-hash", hashlib.sha256).digest()
        fernet_key = hmac.new(root, b"outbox-encryption", hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(fernet_key))

    def digest(self, value: str) -> str:
        """Keyed hash of a token or code: a leaked table reveals nothing without the key."""
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()

    def matches(self, value: str, expected_digest: str) -> bool:
        return hmac.compare_digest(self.digest(value), expected_digest)

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str | None:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"
