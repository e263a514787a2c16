"""Signed download links: they work without a bearer token (an <a href> in an SPA) for at most
five minutes, and say whom they were issued to, so a download can be put on that person's
record."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

LINK_LIFETIME = dt.timedelta(minutes=5)


class LinkKind(StrEnum):
    DOCUMENT = "d"
    LETTER = "l"
    CERTIFICATE = "c"


@dataclass(frozen=True)
class Grant:
    kind: LinkKind
    key: uuid.UUID
    viewer_id: uuid.UUID
    staff: bool


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


class LinkSigner:
    def __init__(self, keys: Sequence[bytes]) -> None:
        """`keys`: the Keyring's link keys, current first."""
        self._keys = list(keys)

    def sign(self, grant: Grant, *, now: dt.datetime) -> str:
        expires = int((now + LINK_LIFETIME).timestamp())
        payload = (f"{grant.kind.value}.{grant.key.hex}.{grant.viewer_id.hex}."
                   f"{'s' if grant.staff else 'm'}.{expires}")
        return f"{payload}.{self._mac(self._keys[0], payload)}"

    def verify(self, token: str, *, now: dt.datetime) -> Grant:
        payload, _, mac = token.rpartition(".")
        if not any(hmac.compare_digest(self._mac(key, payload), mac) for key in self._keys):
            raise LinkInvalid
        kind, key, viewer, role, expires = payload.split(".")
        if int(expires) < now.timestamp():
            raise LinkExpired
        return Grant(kind=LinkKind(kind), key=uuid.UUID(hex=key), viewer_id=uuid.UUID(hex=viewer),
                     staff=role == "s")

    @staticmethod
    def _mac(key: bytes, payload: str) -> str:
        digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
