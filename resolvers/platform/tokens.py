"""Random secrets handed out: session tokens and one-time codes (their keyed hashes are the
Keyring's, in keys.py)."""

from __future__ import annotations

import secrets

CODE_LENGTH = 6  # digits of a one-time code


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
