"""Encryption of stored files at rest: AES-256-GCM with a fresh key per file, that key wrapped
by a key derived from SECRET_KEY (by the Keyring, keys.py), the content sealed in 64 KiB chunks so it can be decrypted
as it streams out.

Layout: MAGIC | key id (4) | wrap nonce (12) | wrapped file key (48) | nonce prefix (7) | chunks.
Each chunk is AES-GCM under the file key with nonce = prefix | chunk number (4) | last flag (1)
and the header as associated data: a chunk cannot be moved, dropped, or the file cut short
without the tag failing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterable, AsyncIterator, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"GOSIDOC1"
CHUNK = 64 * 1024
TAG = 16
_KEY_ID, _WRAP_NONCE, _WRAPPED, _PREFIX = 4, 12, 32 + TAG, 7
HEADER = len(MAGIC) + _KEY_ID + _WRAP_NONCE + _WRAPPED + _PREFIX


class SealedFileError(Exception):
    """The stored bytes are not a file this server sealed, or they were altered."""


class FileCipher:
    """Seals with the current SECRET_KEY; opens with it or any earlier key still configured."""

    def __init__(self, wrapping_keys: Sequence[bytes]) -> None:
        """`wrapping_keys`: the Keyring's file-wrapping keys, current first."""
        wrapping = list(wrapping_keys)
        self._current = wrapping[0]
        self._by_id = {hashlib.sha256(key).digest()[:_KEY_ID]: key for key in reversed(wrapping)}

    def seal(self, content: bytes) -> bytes:
        file_key = AESGCM.generate_key(bit_length=256)
        key_id = hashlib.sha256(self._current).digest()[:_KEY_ID]
        wrap_nonce = os.urandom(_WRAP_NONCE)
        wrapped = AESGCM(self._current).encrypt(wrap_nonce, file_key, MAGIC + key_id)
        header = MAGIC + key_id + wrap_nonce + wrapped + os.urandom(_PREFIX)
        sealer = AESGCM(file_key)
        prefix = header[-_PREFIX:]
        pieces = [content[start:start + CHUNK] for start in range(0, len(content), CHUNK)] or [b""]
        out = [header]
        for number, piece in enumerate(pieces):
            out.append(sealer.encrypt(_nonce(prefix, number, number == len(pieces) - 1), piece, header))
        return b"".join(out)

    async def open_stream(self, sealed: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        """The plaintext, chunk by chunk, as the sealed bytes arrive; SealedFileError on tampering."""
        buffer = bytearray()
        header: bytes | None = None
        opener: AESGCM | None = None
        number = 0
        async for data in sealed:
            buffer += data
            if header is None:
                if len(buffer) < HEADER:
                    continue
                header, opener = bytes(buffer[:HEADER]), self._opener(bytes(buffer[:HEADER]))
                del buffer[:HEADER]
            assert opener is not None
            # A full chunk with more bytes behind it is not the last one.
            while len(buffer) > CHUNK + TAG:
                yield _open(opener, header, number, False, bytes(buffer[:CHUNK + TAG]))
                del buffer[:CHUNK + TAG]
                number += 1
        if header is None or opener is None or len(buffer) < TAG:
            raise SealedFileError("truncated")
        yield _open(opener, header, number, True, bytes(buffer))

    def _opener(self, header: bytes) -> AESGCM:
        if not header.startswith(MAGIC):
            raise SealedFileError("not a sealed file")
        at = len(MAGIC)
        key_id = header[at:at + _KEY_ID]
        wrap_nonce = header[at + _KEY_ID:at + _KEY_ID + _WRAP_NONCE]
        wrapped = header[at + _KEY_ID + _WRAP_NONCE:at + _KEY_ID + _WRAP_NONCE + _WRAPPED]
        wrapping = self._by_id.get(key_id)
        if wrapping is None:
            raise SealedFileError("sealed with a key that is no longer configured")
        try:
            return AESGCM(AESGCM(wrapping).decrypt(wrap_nonce, wrapped, MAGIC + key_id))
        except InvalidTag as error:
            raise SealedFileError("file key altered") from error


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _open(opener: AESGCM, header: bytes, number: int, last: bool, chunk: bytes) -> bytes:
    try:
        return opener.decrypt(_nonce(header[-_PREFIX:], number, last), chunk, header)
    except InvalidTag as error:
        raise SealedFileError("content altered") from error
