"""Letters and certificates carry a PAdES signature a PDF reader reports intact; one changed
byte breaks it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from models import Language
from resolvers.platform import signing
from resolvers.platform.settings import ConfigurationError, Settings
from tests.unit.test_document_text import MIXED_NOTE_AR, certificate, letter


def status(pdf: bytes, signer: signing.Signer) -> PdfSignatureStatus:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    (signature,) = reader.embedded_signatures
    trust = ValidationContext(trust_roots=[signer.signer.signing_cert])
    return validate_pdf_signature(signature, trust)


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> signing.Signer:
    folder = tmp_path_factory.mktemp("signing")
    return signing.signer_for(key_file=None, cert_file=None, production=False, data_folder=folder)


@pytest.mark.parametrize("render", [lambda: letter(Language.AR, MIXED_NOTE_AR),
                                    lambda: certificate(Language.EN)],
                         ids=["letter", "certificate"])
def test_a_signed_document_is_reported_intact_and_covers_the_whole_file(render, signer) -> None:
    signed = signer.sign(render(), reason="test")
    found = status(signed, signer)
    assert found.intact and found.valid and found.trusted
    assert found.coverage.name == "ENTIRE_FILE"
    assert found.signing_cert.subject == signer.signer.signing_cert.subject


def test_changing_one_byte_breaks_the_signature(signer) -> None:
    signed = bytearray(signer.sign(letter(Language.EN, "Twelve sessions."), reason="test"))
    # A byte of the page's content, well inside the signed range.
    signed[len(signed) // 3] ^= 0x01
    found = status(bytes(signed), signer)
    assert not found.intact and not found.bottom_line


def test_development_makes_one_pair_and_keeps_it(tmp_path: Path) -> None:
    first = signing.signer_for(key_file=None, cert_file=None, production=False, data_folder=tmp_path)
    again = signing.signer_for(key_file=None, cert_file=None, production=False, data_folder=tmp_path)
    assert first.signer.signing_cert.dump() == again.signer.signing_cert.dump()
    assert (tmp_path / signing.DEVELOPMENT_KEY).stat().st_mode & 0o077 == 0


def test_configured_files_sign(tmp_path: Path) -> None:
    key, cert = signing.development_pair(tmp_path / "issued")
    configured = signing.signer_for(key_file=str(key), cert_file=str(cert), production=True,
                                    data_folder=tmp_path / "unused")
    assert status(configured.sign(letter(Language.EN, "Fine."), reason="test"), configured).intact
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize(("key_file", "cert_file", "production", "says"), [
    (None, None, True, "APP_ENV=production needs SIGNING_KEY_FILE and SIGNING_CERT_FILE"),
    ("key.pem", None, False, "set both SIGNING_KEY_FILE and SIGNING_CERT_FILE"),
    ("missing-key.pem", "missing-cert.pem", True, "SIGNING_KEY_FILE points to"),
])
def test_missing_signing_files_are_refused_with_a_clear_message(
    tmp_path: Path, key_file, cert_file, production, says
) -> None:
    with pytest.raises(signing.SigningUnavailable, match=says):
        signing.signer_for(key_file=key_file and str(tmp_path / key_file),
                           cert_file=cert_file and str(tmp_path / cert_file),
                           production=production, data_folder=tmp_path)


PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "k" * 40, "SMTP_HOST": "mail.example",
              "SMS_WEBHOOK_URL": "https://sms.example/send"}


@pytest.mark.parametrize(("extra", "says"), [
    ({}, "APP_ENV=production needs SIGNING_KEY_FILE and SIGNING_CERT_FILE"),
    ({"SIGNING_KEY_FILE": "/nowhere/key.pem", "SIGNING_CERT_FILE": "/nowhere/cert.pem"},
     "SIGNING_KEY_FILE points to /nowhere/key.pem"),
    ({"PUBLIC_URL": "my.gosi.gov.sa"}, "PUBLIC_URL must start with http:// or https://"),
])
def test_production_refuses_to_start_without_its_signing_pair(extra, says) -> None:
    with pytest.raises(ConfigurationError, match=says):
        Settings.from_environ({**PRODUCTION, **extra})


def test_public_url_is_the_listening_address_unless_set() -> None:
    assert Settings.from_environ({"HOST": "0.0.0.0", "PORT": "9000"}).public_url == "http://0.0.0.0:9000"
    configured = Settings.from_environ({"PUBLIC_URL": "https://my.gosi.gov.sa/"})
    assert configured.public_url == "https://my.gosi.gov.sa"
