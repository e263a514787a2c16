"""A software WebAuthn authenticator: real ES256 keys and signatures, attestation 'none'."""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass, field

import cbor2
import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

UP, UV, AT = 0x01, 0x04, 0x40


@dataclass
class SoftAuthenticator:
    origin: str = "http://localhost:8000"
    rp_id: str = "localhost"
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(
        ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    sign_count: int = 0
    user_handle: bytes = b""
    # False: a security key without a PIN, which reports presence only.
    verifies_user: bool = True

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return orjson.dumps({"type": kind, "challenge": challenge, "origin": self.origin,
                             "crossOrigin": False})

    def _public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})

    def create(self, options_json: str) -> str:
        """navigator.credentials.create: the PublicKeyCredential as JSON."""
        options = orjson.loads(options_json)
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        client_data = self._client_data("webauthn.create", options["challenge"])
        auth_data = (hashlib.sha256(options["rp"]["id"].encode()).digest()
                     + bytes([UP | UV | AT]) + struct.pack(">I", self.sign_count)
                     + bytes(16) + struct.pack(">H", len(self.credential_id))
                     + self.credential_id + self._public_key())
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return self._credential({"clientDataJSON": bytes_to_base64url(client_data),
                                 "attestationObject": bytes_to_base64url(attestation)})

    def get(self, options_json: str, *, count: int | None = None) -> str:
        """navigator.credentials.get: an assertion signed with the credential's key."""
        options = orjson.loads(options_json)
        self.sign_count = self.sign_count + 1 if count is None else count
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = (hashlib.sha256(options.get("rpId", self.rp_id).encode()).digest()
                     + bytes([UP | UV if self.verifies_user else UP])
                     + struct.pack(">I", self.sign_count))
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        return self._credential({
            "clientDataJSON": bytes_to_base64url(client_data),
            "authenticatorData": bytes_to_base64url(auth_data),
            "signature": bytes_to_base64url(signature),
            "userHandle": bytes_to_base64url(self.user_handle),
        })

    def _credential(self, response: dict) -> str:
        identifier = bytes_to_base64url(self.credential_id)
        return orjson.dumps({"id": identifier, "rawId": identifier, "type": "public-key",
                             "response": response, "clientExtensionResults": {}}).decode()
