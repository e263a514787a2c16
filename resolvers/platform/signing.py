"""PAdES signatures on the agency's PDFs, with pyhanko.

The key and certificate (chain) come from SIGNING_KEY_FILE and SIGNING_CERT_FILE; production
refuses to start without them, development makes a self-signed pair under data/ at first
start. Signing blocks (pyhanko runs its own event loop): call `sign` in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

DEVELOPMENT_KEY, DEVELOPMENT_CERT = "signing-key.pem", "signing-cert.pem"
FIELD = "AgencySignature"


class SigningUnavailable(Exception):
    """The key or certificate is missing or unreadable; the message says what to set."""


@dataclass(frozen=True)
class Signer:
    signer: signers.SimpleSigner
    subject: str

    def sign(self, pdf: bytes, *, reason: str) -> bytes:
        """The PDF with a PAdES baseline signature appended as an incremental update."""
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
            reason=reason, location="Riyadh, Saudi Arabia",
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        signed = signers.sign_pdf(writer, meta, signer=self.signer, output=io.BytesIO())
        return signed.getvalue()


def load(key_file: Path, cert_file: Path) -> Signer:
    for name, path in (("SIGNING_KEY_FILE", key_file), ("SIGNING_CERT_FILE", cert_file)):
        if not path.is_file():
            raise SigningUnavailable(f"{name} points to {path}, which is not a readable file")
    loaded = signers.SimpleSigner.load(str(key_file), str(cert_file))
    if loaded is None or loaded.signing_cert is None:
        raise SigningUnavailable(
            f"SIGNING_KEY_FILE ({key_file}) and SIGNING_CERT_FILE ({cert_file}) must be a PEM "
            "private key and its PEM certificate"
        )
    return Signer(signer=loaded, subject=loaded.signing_cert.subject.human_friendly)


def development_pair(folder: Path) -> tuple[Path, Path]:
    """A self-signed key and certificate in `folder`, made once and kept for later starts."""
    key_file, cert_file = folder / DEVELOPMENT_KEY, folder / DEVELOPMENT_CERT
    folder.mkdir(parents=True, exist_ok=True)
    # Several processes may start at once: one makes the pair, the others wait and use it.
    with open(folder / ".signing.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (key_file.is_file() and cert_file.is_file()):
            _make_pair(key_file, cert_file)
    return key_file, cert_file


def _make_pair(key_file: Path, cert_file: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "General Organization for Social Insurance"),
        x509.NameAttribute(NameOID.COMMON_NAME, "GOSI documents (development, self-signed)"),
    ])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    # The key is written readable by its owner only, before anything is in it.
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def signer_for(*, key_file: str | None, cert_file: str | None, production: bool,
               data_folder: Path) -> Signer:
    """The configured pair; in development without one, the self-signed pair in data_folder."""
    if key_file and cert_file:
        return load(Path(key_file), Path(cert_file))
    if key_file or cert_file:
        raise SigningUnavailable("set both SIGNING_KEY_FILE and SIGNING_CERT_FILE, or neither")
    if production:
        raise SigningUnavailable(
            "APP_ENV=production needs SIGNING_KEY_FILE and SIGNING_CERT_FILE (a PEM private "
            "key and its certificate chain) to sign letters and certificates"
        )
    return load(*development_pair(data_folder))
