"""Part 8 of `make bench`: the time to render and sign a decision letter against rendering it
alone, as a ratio (the English letter of a member with an Arabic name, and an Arabic letter
with a mixed note, in turn). Figures only, no assertions.

    python -m tests.bench.letters [--seconds N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models import Language
from resolvers.letters.decision import render_letter
from resolvers.platform import signing
from tests.unit.test_document_text import MIXED_NOTE_AR, MIXED_NOTE_EN, content


def per_letter(make: Callable[[int], bytes], seconds: float) -> float:
    """Mean seconds per letter over `seconds` of one thread making them back to back."""
    make(0)  # warm: fonts loaded, pyhanko imported
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        make(count)
        count += 1
    return (time.perf_counter() - started) / count


def measure(seconds: float, folder: Path) -> tuple[float, float]:
    signer = signing.signer_for(key_file=None, cert_file=None, production=False,
                                data_folder=folder)
    letters = [content(Language.EN, MIXED_NOTE_EN), content(Language.AR, MIXED_NOTE_AR)]

    def rendered(index: int) -> bytes:
        return render_letter(letters[index % 2])

    def signed(index: int) -> bytes:
        return signer.sign(rendered(index), reason="Decision letter")

    return per_letter(rendered, seconds), per_letter(signed, seconds)


def letter_signing(report: Any, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        render, both = measure(seconds, Path(folder))
    report.add()
    report.add("== 8. Letters: render and sign (PAdES, pyhanko, ECDSA P-256) against render "
               "alone, one thread, an English letter with an Arabic name and an Arabic letter "
               "with a mixed note in turn")
    report.add(f"render {render * 1000:.0f} ms, render and sign {both * 1000:.0f} ms per letter; "
               f"render+sign / render = {both / render:.2f}")


class _Printed:
    def add(self, line: str = "") -> None:
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    letter_signing(_Printed(), parser.parse_args().seconds)


if __name__ == "__main__":
    main()
