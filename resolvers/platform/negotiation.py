"""Content negotiation: one parser for Accept-style headers (Accept, Accept-Language) and
their q-values (RFC 9110 §12.4), and the choice among what the server offers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
_QVALUE = re.compile(r"0(\.\d{0,3})?|1(\.0{0,3})?")

# How closely a range matches an offer: None when it does not, higher when more specific.
Matcher = Callable[[str, str], int | None]


@dataclass(frozen=True)
class Preference:
    """One entry of the header: a range (`text/*`, `en-us`, `*`), its weight, its place."""

    range: str
    quality: float
    position: int


def parse_accept(header: str | None) -> list[Preference]:
    """The header's entries in order. A missing q is 1; a malformed one refuses the entry (0)."""
    preferences: list[Preference] = []
    for position, part in enumerate((header or "").split(",")):
        name, *params = (piece.strip() for piece in part.split(";"))
        if not name:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QVALUE.fullmatch(value) else 0.0
        preferences.append(Preference(name.lower(), quality, position))
    return preferences


def media_match(media_range: str, media_type: str) -> int | None:
    """`type/subtype` (2) is more specific than `type/*` (1), which is more than `*/*` (0)."""
    if media_range == media_type:
        return 2
    if media_range == "*/*":
        return 0
    if media_range.endswith("/*") and media_type.partition("/")[0] == media_range[:-2]:
        return 1
    return None


def language_match(language_range: str, tag: str) -> int | None:
    """RFC 4647 basic filtering, both ways: `en-us` asks for our `en`, `en` accepts `en-gb`."""
    if language_range == tag:
        return 2
    if language_range == "*":
        return 0
    if language_range.startswith(tag + "-") or tag.startswith(language_range + "-"):
        return 1
    return None


def quality_of(preferences: Sequence[Preference], offer: str, match: Matcher) -> Preference | None:
    """The entry that speaks for `offer`: the most specific range matching it (the highest q
    among equally specific ones), or None when no range matches."""
    best: tuple[int, float, int] | None = None
    chosen: Preference | None = None
    for preference in preferences:
        specificity = match(preference.range, offer.lower())
        if specificity is None:
            continue
        key = (specificity, preference.quality, -preference.position)
        if best is None or key > best:
            best, chosen = key, preference
    return chosen


def negotiate(header: str | None, offers: Sequence[str], match: Matcher) -> str | None:
    """The offer the header accepts with the highest q (ties: the more specific range, then
    the one named first, then the server's order); None when it accepts none of them."""
    preferences = parse_accept(header)
    ranked: list[tuple[float, int, int, int, str]] = []
    for order, offer in enumerate(offers):
        preference = quality_of(preferences, offer, match)
        if preference is not None and preference.quality > 0:
            specificity = match(preference.range, offer.lower()) or 0
            ranked.append((-preference.quality, -specificity, preference.position, order, offer))
    return min(ranked)[-1] if ranked else None


def refused(header: str | None, offer: str, match: Matcher) -> bool:
    """The header explicitly says "not this one" (q=0) for `offer`."""
    preference = quality_of(parse_accept(header), offer, match)
    return preference is not None and preference.quality == 0
