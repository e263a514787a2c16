"""Renders the README's pictures of the letters and certificates: the documents of
tests/unit/test_document_text.py, signed with a throwaway development pair, page 1 each as a
PNG by pdftoppm (poppler-utils).

    .venv/bin/python -m docs.letters.render
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from models import Language
from resolvers.platform import signing
from tests.unit.test_document_text import MIXED_NOTE_AR, MIXED_NOTE_EN, certificate, letter

HERE = Path(__file__).parent
DOCUMENTS = {
    "decision-letter-en": lambda: letter(Language.EN, MIXED_NOTE_EN),
    "decision-letter-ar": lambda: letter(Language.AR, MIXED_NOTE_AR),
    "certificate-en": lambda: certificate(Language.EN),
    "certificate-ar": lambda: certificate(Language.AR),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        signer = signing.signer_for(key_file=None, cert_file=None, production=False,
                                    data_folder=Path(folder))
        for name, render in DOCUMENTS.items():
            pdf = Path(folder) / f"{name}.pdf"
            pdf.write_bytes(signer.sign(render(), reason="README"))
            subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf),
                            str(HERE / name)], check=True)


if __name__ == "__main__":
    main()
