"""Which invisible characters a single line and a multi-line body may hold."""

from __future__ import annotations

import pytest

from resolvers.validation import hidden_characters, nfc

ZWNJ, ZWJ = "\u200c", "\u200d"


@pytest.mark.parametrize(
    ("text", "single_line", "multi_line"),
    [
        ("Sara Ali", False, False),
        ("سارة علي", False, False),
        (f"مهدی{ZWNJ}زاده", False, False),           # Persian/Arabic spelling: ZWNJ inside a word
        (f"لا{ZWJ}م", False, False),
        (f"مهدی{ZWNJ} زاده", True, False),           # a joiner with nothing to join
        (f"{ZWNJ}زاده", True, False),
        (f"زاده{ZWJ}", True, False),
        ("\u202eevil\u202c name", True, True),        # right-to-left override ... pop
        ("a\u202ab", True, True),
        ("a\u2066b\u2069", True, True),               # isolates
        ("a\u2067b", True, True),
        ("a\u2068b", True, True),
        ("name\u200f", True, False),                  # RLM: fine in a body, not in a name
        ("name\u200e", True, False),
        ("zero\u200bwidth", True, False),
        ("soft\u00adhyphen", True, False),
        ("bom\ufeff", True, False),
        ("line\nbreak", True, False),
        ("tab\there", True, False),
        ("line\u2028separator", True, False),
        ("nul\x00", True, True),
        ("escape\x1b[31m", True, False),
    ],
)
def test_hidden_characters(text: str, single_line: bool, multi_line: bool) -> None:
    assert hidden_characters(text, multiline=False) is single_line
    assert hidden_characters(text, multiline=True) is multi_line


def test_nfc_composes() -> None:
    assert nfc("e\u0301") == "\u00e9"
    assert nfc("\u0627\u0653") == "\u0622"  # alef + madda above: alef with madda
